/* atlas-cli-user.h — the command line's users' files: --locate, --open with --export */
#pragma once

#include "model/atlas-data.h"
#include "model/atlas-user-data.h"
#include "render/atlas-user-renderer.h"

G_BEGIN_DECLS

gboolean           atlas_cli_locate_options (const char  *crs_text,
                                             const char  *format,
                                             AtlasCrs    *crs,
                                             GError     **error);
gboolean           atlas_cli_locate         (AtlasData   *data,
                                             const char  *path,
                                             AtlasCrs    *crs,
                                             const char  *format,
                                             gboolean     json,
                                             GError     **error);
AtlasUserRenderer *atlas_cli_open_files     (char       **paths,
                                             const char  *crs_text,
                                             GError     **error);

G_END_DECLS
