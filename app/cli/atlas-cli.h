/* atlas-cli.h — the command line of Capital Atlas */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

int atlas_cli_run (int   argc,
                   char *argv[]);

G_END_DECLS
