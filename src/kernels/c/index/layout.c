// No code: compiles the checks that the structs shared with TypeScript still have the offsets
// src/ann/kernel/layout.generated.ts was generated with (see scripts/gen-kernel-layout.mjs).
#include "flat.h"
#include "hnsw.h"
#include "store.h"
#include "layout.generated.h"
