{
  "targets": [
    {
      "target_name": "relais_native",
      "sources": ["native/directory-scan.c"],
      "cflags": ["-O2", "-std=c11", "-Wall", "-Wextra"],
      "defines": ["_GNU_SOURCE"]
    }
  ]
}
