/* atlas-safe-file-private.h — test hooks of atlas-safe-file.c */
#pragma once

#include "atlas-safe-file.h"

G_BEGIN_DECLS

/* Writes fail with ENOSPC once this many bytes have been written (-1: never), as on a full disk. */
void atlas_safe_file_set_space_for_test (gint64 bytes);

G_END_DECLS
