{
  "variables": {
    "mbedtls_include%": "",
    "mbedtls_lib%": ""
  },
  "targets": [
    {
      "target_name": "wsx_tls",
      "sources": [
        "wsx_tls_napi.c",
        "../core/wsx_tls.c",
        "../core/wsx_tls_errors.c"
      ],
      "include_dirs": ["../core"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-Wall", "-Wextra", "-Werror", "-std=c11"],
      "libraries": ["-lmbedtls", "-lmbedx509", "-lmbedcrypto"],
      "conditions": [
        ["mbedtls_include!=''", { "include_dirs": ["<(mbedtls_include)"] }],
        ["mbedtls_lib!=''", { "libraries": ["-L<(mbedtls_lib)"] }]
      ],
      "xcode_settings": {
        "OTHER_CFLAGS": ["-Wall", "-Wextra", "-Werror"]
      }
    }
  ]
}
