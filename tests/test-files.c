/* test-files.c — writing files safely: full disks, links, permissions, pipes, interruptions, stale temporaries */

#define _GNU_SOURCE /* mkfifo, kill, link */

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atlas-test-util.h"
#include "export/atlas-export.h"
#include "model/atlas-overlays-json.h"
#include "model/atlas-safe-file-private.h"

static AtlasData *data;

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* the names in @dir, sorted, joined by spaces */
static char *
list_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static char *
read_text (const char *path)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static AtlasExportJob *
small_job (AtlasExportFormat format)
{
  AtlasExportJob *job = atlas_export_job_new (data, NULL);

  job->format = format;
  job->dpi = 72;
  job->paper = atlas_paper_lookup ("A4");
  atlas_export_job_set_extent_from_view (job, 116.4, 39.9, 9, 800, 600);
  return job;
}

/* A PDF export onto a full disk fails, names the cause, keeps the old file and leaves no temporary. */
static void
test_full_disk (void)
{
  g_autofree char *dir = g_dir_make_tmp ("atlas-files-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "map.pdf", NULL);
  g_autoptr(AtlasExportJob) job = small_job (ATLAS_EXPORT_PDF);
  const AtlasExportFormat formats[] = { ATLAS_EXPORT_PDF, ATLAS_EXPORT_SVG, ATLAS_EXPORT_PNG };
  const gint64 spaces[] = { 0, 100, 20000 };

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    for (guint s = 0; s < G_N_ELEMENTS (spaces); s++)
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *old = NULL;
        g_autofree char *names = NULL;

        g_assert_true (g_file_set_contents (path, "old contents", -1, NULL));
        job->format = formats[f];
        atlas_safe_file_set_space_for_test (spaces[s]);
        g_assert_false (atlas_export_write (job, path, &error));
        atlas_safe_file_set_space_for_test (-1);
        g_assert_error (error, ATLAS_EXPORT_ERROR, ATLAS_EXPORT_ERROR_WRITE);
        g_assert_nonnull (strstr (error->message, "map.pdf"));
        g_assert_nonnull (strstr (error->message, "full"));
        old = read_text (path);
        g_assert_cmpstr (old, ==, "old contents");
        names = list_dir (dir);
        g_assert_cmpstr (names, ==, "map.pdf");
      }

  /* with room, the same job replaces the file */
  job->format = ATLAS_EXPORT_PDF;
  g_assert_true (atlas_export_write (job, path, NULL));
  {
    g_autofree char *pdf = read_text (path);
    g_assert_true (g_str_has_prefix (pdf, "%PDF-"));
  }
  g_unlink (path);
  g_rmdir (dir);
}

/* Through a symbolic link to its target, which keeps its mode; the link stays a link. */
static void
test_symlink_and_mode (void)
{
  g_autofree char *dir = g_dir_make_tmp ("atlas-files-XXXXXX", NULL);
  g_autofree char *target = g_build_filename (dir, "real.geojson", NULL);
  g_autofree char *link = g_build_filename (dir, "link.geojson", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *names = NULL;
  GStatBuf st;

  g_assert_true (g_file_set_contents (target, "old", -1, NULL));
  g_assert_cmpint (g_chmod (target, 0600), ==, 0);
  g_assert_cmpint (symlink ("real.geojson", link), ==, 0);
  g_assert_true (atlas_write_file_atomically (link, "new", &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_lstat (link, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  g_assert_cmpint (g_lstat (target, &st), ==, 0);
  g_assert_true (S_ISREG (st.st_mode));
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
  contents = read_text (target);
  g_assert_cmpstr (contents, ==, "new");
  names = list_dir (dir);
  g_assert_cmpstr (names, ==, "link.geojson real.geojson");
  g_unlink (link);
  g_unlink (target);
  g_rmdir (dir);
}

/* A hard link is replaced by the new file: the other name keeps the old contents (as with rename). */
static void
test_hard_link (void)
{
  g_autofree char *dir = g_dir_make_tmp ("atlas-files-XXXXXX", NULL);
  g_autofree char *a = g_build_filename (dir, "a.pdf", NULL);
  g_autofree char *b = g_build_filename (dir, "b.pdf", NULL);
  g_autofree char *ca = NULL;
  g_autofree char *cb = NULL;

  g_assert_true (g_file_set_contents (a, "old", -1, NULL));
  g_assert_cmpint (link (a, b), ==, 0);
  g_assert_true (atlas_safe_file_replace_contents (a, "new", 3, NULL));
  ca = read_text (a);
  cb = read_text (b);
  g_assert_cmpstr (ca, ==, "new");
  g_assert_cmpstr (cb, ==, "old");
  g_unlink (a);
  g_unlink (b);
  g_rmdir (dir);
}

/* A FIFO, a device or a folder is refused at once (no hang on the FIFO) and stays what it is. */
static void
test_not_regular (void)
{
  g_autofree char *dir = g_dir_make_tmp ("atlas-files-XXXXXX", NULL);
  g_autofree char *fifo = g_build_filename (dir, "pipe.pdf", NULL);
  g_autofree char *link = g_build_filename (dir, "null.pdf", NULL);
  const char *targets[] = { fifo, link, dir };
  g_autoptr(AtlasExportJob) job = small_job (ATLAS_EXPORT_PDF);
  GStatBuf st;

  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
  g_assert_cmpint (symlink ("/dev/null", link), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *names = NULL;

      g_assert_false (atlas_export_write (job, targets[i], &error));
      g_assert_error (error, ATLAS_EXPORT_ERROR, ATLAS_EXPORT_ERROR_WRITE);
      g_assert_nonnull (strstr (error->message, "not a regular file"));
      names = list_dir (dir);
      g_assert_cmpstr (names, ==, "null.pdf pipe.pdf");
    }
  g_assert_cmpint (g_stat (fifo, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  g_assert_cmpint (g_stat ("/dev/null", &st), ==, 0);
  g_assert_true (S_ISCHR (st.st_mode));
  g_unlink (fifo);
  g_unlink (link);
  g_rmdir (dir);
}

/* SIGTERM during a write removes the temporary; the process still ends by the signal. */
static void
test_signal_cleanup (void)
{
  g_autofree char *dir = g_dir_make_tmp ("atlas-files-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "map.pdf", NULL);
  g_autofree char *names = NULL;
  int status;
  pid_t pid;

  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      AtlasSafeFile *file;

      atlas_safe_file_install_signal_cleanup ();
      file = atlas_safe_file_new (path, NULL);
      atlas_safe_file_write (file, "partial", 7);
      raise (SIGTERM);
      _exit (0);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGTERM);
  names = list_dir (dir);
  g_assert_cmpstr (names, ==, "map.pdf");
  g_unlink (path);
  g_rmdir (dir);
}

/* Stale temporaries of our naming whose process is gone are swept; others are kept. */
static void
test_sweep (void)
{
  g_autofree char *dir = g_dir_make_tmp ("atlas-files-XXXXXX", NULL);
  g_autofree char *mine = g_strdup_printf (".map.pdf.atlas-%d-abcdef", (int) getpid ());
  const char *kept[] = { ".map.pdf.atlas-1-abcdef", "map.pdf.atlas-999999-abcdef", "notes.txt",
                         ".x.atlas-999999-abc" };
  g_autofree char *names = NULL;
  g_autofree char *expected = NULL;
  pid_t dead = fork ();
  g_autofree char *stale = NULL;

  /* a pid that surely is gone: a child that has exited and been reaped */
  if (dead == 0)
    _exit (0);
  waitpid (dead, NULL, 0);
  stale = g_strdup_printf (".map.pdf.atlas-%d-Xy12z3", (int) dead);
  for (guint i = 0; i < G_N_ELEMENTS (kept); i++)
    {
      g_autofree char *p = g_build_filename (dir, kept[i], NULL);
      g_assert_true (g_file_set_contents (p, "x", -1, NULL));
    }
  {
    g_autofree char *p = g_build_filename (dir, mine, NULL);
    g_autofree char *q = g_build_filename (dir, stale, NULL);
    g_assert_true (g_file_set_contents (p, "x", -1, NULL));
    g_assert_true (g_file_set_contents (q, "x", -1, NULL));
  }
  g_assert_cmpuint (atlas_safe_file_sweep (dir), ==, 1);
  names = list_dir (dir);
  /* pid 1 runs, 999999 names no temporary of ours (no leading dot / short tail), ours is running */
  expected = g_strdup_printf (".map.pdf.atlas-1-abcdef %s .x.atlas-999999-abc map.pdf.atlas-999999-abcdef notes.txt",
                              mine);
  g_assert_cmpstr (names, ==, expected);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *p = g_build_filename (dir, name, NULL);
        g_unlink (p);
      }
  }
  g_rmdir (dir);
}

/* NUL bytes in tables are refused with the line; JSON nesting is bounded before parsing. */
static void
test_text_checks (void)
{
  const char table[] = "a\tb\nc\td\ne\0f\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) deep = g_string_new (NULL);

  g_assert_false (atlas_check_text (table, sizeof table - 1, "labels.tsv", ATLAS_DATA_ERROR,
                                    ATLAS_DATA_ERROR_CORRUPT, &error));
  g_assert_cmpstr (error->message, ==, "labels.tsv: line 3 holds a NUL byte");
  g_clear_error (&error);
  g_assert_false (atlas_check_text ("ok\n\xff\n", 5, "g.tsv", ATLAS_DATA_ERROR, ATLAS_DATA_ERROR_CORRUPT,
                                    &error));
  g_assert_cmpstr (error->message, ==, "g.tsv: line 2 is not valid UTF-8");
  g_clear_error (&error);

  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  g_assert_false (atlas_check_json_depth (deep->str, deep->len, "plan.json", ATLAS_DATA_ERROR,
                                          ATLAS_DATA_ERROR_TOO_LARGE, &error));
  g_assert_error (error, ATLAS_DATA_ERROR, ATLAS_DATA_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "plan.json"));
  g_clear_error (&error);
  /* brackets inside strings do not count */
  g_assert_true (atlas_check_json_depth ("[\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"[\"]", 76,
                                         "x.json", ATLAS_DATA_ERROR, ATLAS_DATA_ERROR_TOO_LARGE, &error));
  g_assert_no_error (error);
}

/* JSON output never holds inf or nan. */
static void
test_json_non_finite (void)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *text = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "area");
  json_builder_add_double_value (b, INFINITY);
  json_builder_set_member_name (b, "list");
  json_builder_begin_array (b);
  json_builder_add_double_value (b, NAN);
  json_builder_add_double_value (b, 1.5);
  json_builder_end_array (b);
  json_builder_end_object (b);
  text = atlas_json_builder_to_string (b, FALSE);
  g_assert_cmpstr (text, ==, "{\"area\":null,\"list\":[null,1.5]}");
}



/* A broken plan file costs the plan text, not the layers; the problem says what is off. */
static void
test_broken_plan_keeps_layers (void)
{
  g_autofree char *dir = g_dir_make_tmp ("atlas-maps-XXXXXX", NULL);
  g_autofree char *plan = g_build_filename (dir, "plan", "plan.json", NULL);
  g_autoptr(GFile) maps = g_file_new_for_path (dir);
  g_autoptr(AtlasData) broken = NULL;
  g_autoptr(GBytes) aliases = NULL;
  g_autoptr(GError) error = NULL;
  const char *problem;

  atlas_test_copy_tree (ATLAS_SOURCE_MAPS_DIR, dir);
  g_assert_true (g_file_set_contents (plan, "{\"sections\": [", -1, NULL));
  broken = atlas_data_load (maps, TRUE);
  g_assert_null (broken->plan);
  g_assert_cmpuint (broken->problems->len, ==, 1);
  problem = broken->problems->pdata[0];
  g_test_message ("%s", problem);
  g_assert_nonnull (strstr (problem, "plan/plan.json"));
  g_assert_nonnull (strstr (problem, "plan panel"));
  g_assert_cmpuint (atlas_overlays_get_features (broken->overlays)->len, ==,
                    atlas_overlays_get_features (data->overlays)->len);
  /* the aliases come from the same folder as everything else */
  aliases = atlas_data_load_aliases (maps, &error);
  g_assert_no_error (error);
  g_assert_nonnull (aliases);
  atlas_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  data = atlas_test_load_data ();
  g_test_add_func ("/atlas/files/full-disk", test_full_disk);
  g_test_add_func ("/atlas/files/symlink-and-mode", test_symlink_and_mode);
  g_test_add_func ("/atlas/files/hard-link", test_hard_link);
  g_test_add_func ("/atlas/files/not-regular", test_not_regular);
  g_test_add_func ("/atlas/files/signal-cleanup", test_signal_cleanup);
  g_test_add_func ("/atlas/files/sweep", test_sweep);
  g_test_add_func ("/atlas/files/text-checks", test_text_checks);
  g_test_add_func ("/atlas/files/json-non-finite", test_json_non_finite);
  g_test_add_func ("/atlas/files/broken-plan-keeps-layers", test_broken_plan_keeps_layers);
  status = g_test_run ();
  atlas_data_unref (data);
  return status;
}
