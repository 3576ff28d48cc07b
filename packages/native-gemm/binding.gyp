{
  "targets": [
    {
      "target_name": "selfevo_gemm",
      "sources": ["native/binding.cc", "native/binding_fused.cc", "native/sgemm.cc", "native/unary.cc", "native/adamw.cc", "native/binary.cc", "native/pool.cc", "native/fused.cc", "native/transpose.cc", "native/soft_target.cc", "native/dropout.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-exceptions", "-fno-math-errno", "-fopenmp-simd", "-ffp-contract=off"],
      "cflags_cc!": ["-fno-rtti"],
      "ldflags": ["-pthread"],
      "libraries": ["-ldl"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
