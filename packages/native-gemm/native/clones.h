// SELFEVO_CLONES: compile a row loop for AVX-512, AVX2 and baseline x86-64 and pick one at load
// time (GCC target_clones, glibc only); elsewhere a plain function.
#pragma once

#if defined(__linux__) && defined(__GLIBC__)
#define SELFEVO_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define SELFEVO_CLONES
#endif
