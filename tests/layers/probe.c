/*
 * A probe for the layering test: includes one header, named at build time,
 * and is linked against one layer.  Built with a header of a lower layer it
 * must compile; with a header of a higher layer it must not.
 */
#include CV_PROBE_HEADER

int main(void)
{
    return 0;
}
