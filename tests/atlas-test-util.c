/* atlas-test-util.c — helpers shared by the test programs */

#include "atlas-test-util.h"
#include "atlas-resources.h"

#include <glib/gstdio.h>

/* The embedded data (about a second to load), with every part present. */
AtlasData *
atlas_test_load_data (void)
{
  AtlasData *data;

  atlas_register_resource ();
  data = atlas_data_load (NULL, TRUE);
  for (guint i = 0; i < data->problems->len; i++)
    g_error ("data not loaded: %s", (char *) data->problems->pdata[i]);
  return data;
}

AtlasOverlayFeature *
atlas_test_feature (AtlasData  *data,
                    const char *id)
{
  AtlasOverlayFeature *f = atlas_overlays_lookup_feature (data->overlays, id);

  if (f == NULL)
    g_error ("no feature “%s” in the overlays", id);
  return f;
}

AtlasOverlayLayer *
atlas_test_layer (AtlasData  *data,
                  const char *id)
{
  AtlasOverlayLayer *l = atlas_overlays_lookup_layer (data->overlays, id);

  if (l == NULL)
    g_error ("no layer “%s” in the overlays", id);
  return l;
}

/* Copies a folder with its subfolders. */
void
atlas_test_copy_tree (const char *from,
                      const char *to)
{
  g_autoptr(GDir) d = g_dir_open (from, 0, NULL);
  const char *name;

  g_assert_cmpint (g_mkdir_with_parents (to, 0755), ==, 0);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *a = g_build_filename (from, name, NULL);
      g_autofree char *b = g_build_filename (to, name, NULL);
      g_autofree char *contents = NULL;
      gsize size;

      if (g_file_test (a, G_FILE_TEST_IS_DIR))
        atlas_test_copy_tree (a, b);
      else
        {
          g_assert_true (g_file_get_contents (a, &contents, &size, NULL));
          g_assert_true (g_file_set_contents (b, contents, size, NULL));
        }
    }
}

/* Removes a folder with everything in it. */
void
atlas_test_remove_tree (const char *path)
{
  g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        atlas_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}
