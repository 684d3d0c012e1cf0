/* Prints the shim's help=1 text on stdout, for check_options.py. */
#include "options/options.h"

int main(void)
{
    gl_options_help(1);
    return 0;
}
