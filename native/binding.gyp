{
  # The Stridescope kernel library: a plain C shared library (no Node API), loaded with koffi.
  # Built by native/build.mjs (npm install), which copies it to native/build/stridescope_kernels.{so,dylib,dll}.
  "targets": [
    {
      "target_name": "stridescope_kernels",
      "type": "shared_library",
      "product_prefix": "",
      "sources": ["kernels.c", "parallel.c"],
      "include_dirs": ["."],
      "cflags": ["-std=c11", "-O3", "-pthread", "-fvisibility=hidden", "-Wall", "-Wextra"],
      "ldflags": ["-pthread"],
      "cflags!": ["-O2", "-O0", "-Os"],
      "cflags_c": ["-std=c11", "-O3"],
      "conditions": [
        ["OS=='mac'", {
          "product_extension": "dylib",
          "xcode_settings": {
            "GCC_OPTIMIZATION_LEVEL": "3",
            "GCC_C_LANGUAGE_STANDARD": "c11",
            "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
            "OTHER_CFLAGS": ["-O3"]
          }
        }],
        ["OS=='win'", {
          "msvs_settings": {
            "VCCLCompilerTool": {
              "Optimization": 2,
              "AdditionalOptions": ["/std:c11"]
            }
          }
        }]
      ]
    }
  ]
}
