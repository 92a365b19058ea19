/* main.c — Capital Atlas: the translations, then the command line */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "cli/atlas-cli.h"

static void
setup_i18n (void)
{
  const char *localedir = LOCALEDIR;

  setlocale (LC_ALL, "");
  /* Running from the build tree: use the catalogues built there. */
  if (!g_file_test (LOCALEDIR "/zh_CN/LC_MESSAGES/" GETTEXT_PACKAGE ".mo", G_FILE_TEST_EXISTS)
      && g_file_test (ATLAS_BUILD_LOCALEDIR, G_FILE_TEST_IS_DIR))
    localedir = ATLAS_BUILD_LOCALEDIR;
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

int
main (int   argc,
      char *argv[])
{
  setup_i18n ();
  return atlas_cli_run (argc, argv);
}
