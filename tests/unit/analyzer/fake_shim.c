/* Stands in for libgoleash.so in the `goleash run` tests: preloadable, does
 * nothing. The tests' programs write the dumps themselves. */
int goleash_fake_shim_loaded;
