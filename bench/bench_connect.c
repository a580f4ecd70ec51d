/* x12kit bench_connect (being written) */
int main(void)
{
  return 0;
}
