/* x12kit bench_convert (being written) */
int main(void)
{
  return 0;
}
