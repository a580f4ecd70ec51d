/*
 * x12kit - what a billing clerk should do about an AAA rejection.
 *
 * Each reject reason of list 901 (AAA03) has one sentence that says what
 * went wrong and what to check; each follow-up action of list 889
 * (AAA04) has one that says whether and when to send the inquiry again.
 * The advice is the two together.  Every pair is written out at compile
 * time (REASONS x ACTIONS below), so x12kit_aaa_advice() returns a
 * string that never changes and needs no memory or lock.
 */
#include <string.h>

#include "internal.h"

#define ACT_NONE "If you are not sure what to do next, call the payer."
#define ACT_C "Correct the inquiry and send it again."
#define ACT_N "Do not send this inquiry again; call the payer."
#define ACT_P "Send the original inquiry again, unchanged."
#define ACT_R "You may send the inquiry again."
#define ACT_S "Do not send it again: the payer passed it to another party; call the payer " \
              "to learn who will answer."
#define ACT_W "Wait 30 days, then send the inquiry again."
#define ACT_X "Wait 10 days, then send the inquiry again."
#define ACT_Y "Do not send it again: the payer will answer later; call the payer if no " \
              "answer comes."

/* The follow-up actions in the order of the columns after ACT_NONE. */
static const char actions[] = "CNPRSWXY";

#define REASON_UNKNOWN "The payer turned down the inquiry for a reason x12kit does not know."

/* Reject reasons (list 901): what went wrong and what to check. */
#define REASONS(X) \
  X("04", "The payer says the authorized number of services is used up: check the " \
          "authorization on file.") \
  X("15", "Information the payer needs is missing: check that the member ID, name, date of " \
          "birth and provider NPI are all filled in.") \
  X("33", "The payer found errors in the inquiry: check each field against the patient's " \
          "card and the provider's details.") \
  X("35", "The provider is out of network for this patient's plan.") \
  X("41", "Your organization may not ask this payer about this patient: check your " \
          "enrollment with the payer or clearinghouse.") \
  X("42", "The payer's system could not answer at this time.") \
  X("43", "The payer did not accept the provider ID: check the NPI in the inquiry.") \
  X("44", "The payer did not accept the provider name: use the name registered with the " \
          "NPI.") \
  X("45", "The payer did not accept the provider specialty: check the taxonomy code.") \
  X("46", "The payer did not accept the provider phone number: check it.") \
  X("47", "The payer did not accept the provider's state: check the provider address.") \
  X("48", "The payer did not accept the referring provider's ID: check that NPI.") \
  X("49", "The payer says the provider is not the patient's primary care physician.") \
  X("50", "The payer takes no eligibility inquiries from this provider: check the " \
          "provider's enrollment with the payer.") \
  X("51", "The payer has no record of this provider: check the NPI and the provider's " \
          "enrollment with the payer.") \
  X("52", "The service date is outside the provider's enrollment with this plan.") \
  X("53", "The payer does not answer this benefit question for this kind of provider: " \
          "check the service type asked about.") \
  X("54", "The payer did not accept the kind of procedure code: send CPT and HCPCS codes " \
          "with qualifier HC.") \
  X("55", "The payer did not accept the procedure code: check the CPT or HCPCS code.") \
  X("56", "The payer did not accept a date in the inquiry: check the dates sent.") \
  X("57", "The date of service is missing or not accepted: check it.") \
  X("58", "The date of birth is missing or not accepted: use the date of birth on the " \
          "patient's card.") \
  X("59", "The date of death is missing or not accepted: check it.") \
  X("60", "The date of birth is after the date of service: check both dates.") \
  X("61", "The payer has a date of death before the date of service: check the date of " \
          "service and that this is the right patient.") \
  X("62", "The date of service is outside the period this payer answers for: use a date " \
          "closer to today.") \
  X("63", "The date of service is in the future, which this payer does not accept: use " \
          "today's date or the actual service date.") \
  X("64", "The patient's ID is missing or not accepted: check the ID on the card.") \
  X("65", "The patient's name is missing or does not match: use the name exactly as on " \
          "the card.") \
  X("66", "The patient's gender is missing or does not match the payer's records: check " \
          "it.") \
  X("67", "The payer could not find the patient: check the member ID, name and date of " \
          "birth against the card.") \
  X("68", "The payer has more than one patient with this ID: send the full name and date " \
          "of birth as well.") \
  X("69", "The service asked about does not fit the patient's age.") \
  X("70", "The service asked about does not fit the patient's gender on file.") \
  X("71", "The date of birth does not match the payer's records: check it with the " \
          "patient.") \
  X("72", "The member ID is missing or not accepted: check it against the patient's " \
          "insurance card.") \
  X("73", "The subscriber's name is missing or does not match: use the name exactly as on " \
          "the card.") \
  X("74", "The subscriber's gender is missing or does not match the payer's records: " \
          "check it.") \
  X("75", "The payer could not find the subscriber: check the member ID, name and date of " \
          "birth against the card, and that this is the right payer.") \
  X("76", "The payer has more than one subscriber with this ID: send the full name and " \
          "date of birth as well.") \
  X("77", "The payer found the subscriber but not this patient: check the patient's name " \
          "and date of birth, and ask about the patient as a dependent.") \
  X("78", "The subscriber is not in the group or plan named: check the group number on " \
          "the card.") \
  X("79", "The payer did not accept the sender or receiver IDs: check your trading " \
          "partner set-up with the payer or clearinghouse.") \
  X("80", "The payer did not answer in time and the inquiry was stopped.") \
  X("95", "The payer says the patient is not eligible for benefits.") \
  X("97", "The provider address is missing or not accepted: check it.") \
  X("98", "The payer considers the service experimental.") \
  X("AA", "The payer could not find the authorization number: check it.") \
  X("AE", "The service needs an authorization from the patient's primary care " \
          "physician.") \
  X("AF", "A diagnosis code is missing or not accepted: check the ICD-10 codes.") \
  X("AG", "A procedure code is missing or not accepted: check the CPT or HCPCS codes.") \
  X("AH", "The date the condition began is missing or not accepted: check it.") \
  X("AI", "The accident date is missing or not accepted: check it.") \
  X("AJ", "The last menstrual period date is missing or not accepted: check it.") \
  X("AK", "The expected date of birth is missing or not accepted: check it.") \
  X("AL", "The surgery date is missing or not accepted: check it.") \
  X("AM", "The admission date is missing or not accepted: check it.") \
  X("AN", "The discharge date is missing or not accepted: check it.") \
  X("AO", "The payer needs more information about the patient's condition.") \
  X("CI", "The authorization on file does not match this patient: check the " \
          "authorization number and the patient's details.") \
  X("E8", "The payer needs a medical review before it can answer.") \
  X("IA", "The authorization number is not in the form the payer expects: check it.") \
  X("IP", "The payer did not accept the provider's role in the inquiry: check which " \
          "provider is named as requesting and which as servicing.") \
  X("MA", "An authorization number is needed and was not sent.") \
  X("T4", "The payer name or ID is missing or not accepted: check the payer ID your " \
          "clearinghouse lists for this plan.") \
  X("T5", "Authorization (certification) information is missing.")

#define CODE(code, text) code,
#define ROW(code, text)                                                                        \
  { text " " ACT_NONE, text " " ACT_C, text " " ACT_N, text " " ACT_P, text " " ACT_R,         \
    text " " ACT_S,    text " " ACT_W, text " " ACT_X, text " " ACT_Y },

static const char *const reason_codes[] = { REASONS(CODE) };

/* One row per reason, then the row for a reason not in the list; one column per action. */
static const char *const advice[][sizeof actions] = { REASONS(ROW) ROW("", REASON_UNKNOWN) };

#define NREASONS (sizeof reason_codes / sizeof reason_codes[0])

const char *x12kit_aaa_advice(const char *reason, const char *action)
{
  size_t row = NREASONS, col = 0, i;
  const char *p;

  if (reason)
    for (i = 0; i < NREASONS; i++)
      if (strcmp(reason, reason_codes[i]) == 0) {
        row = i;
        break;
      }
  if (action && action[0] && action[1] == '\0' && (p = strchr(actions, action[0])) != NULL)
    col = (size_t)(p - actions) + 1;
  return advice[row][col];
}
