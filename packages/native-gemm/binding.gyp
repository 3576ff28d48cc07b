{
  "targets": [
    {
      "target_name": "selfevo_gemm",
      "sources": ["native/binding.cc", "native/sgemm.cc", "native/unary.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-exceptions"],
      "cflags_cc!": ["-fno-rtti"],
      "ldflags": ["-pthread"],
      "libraries": ["-ldl"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
