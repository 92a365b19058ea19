/* test-user-render.c — users' layers drawn by their painter */

#include <glib/gstdio.h>
#include <math.h>

#include "render/atlas-user-renderer.h"

static guint32
pixel_at (cairo_surface_t *s,
          int              x,
          int              y)
{
  cairo_surface_flush (s);
  return *(guint32 *) (cairo_image_surface_get_data (s) + y * cairo_image_surface_get_stride (s) + x * 4);
}

static void
test_polygon_and_opacity (void)
{
  g_autofree char *dir = g_dir_make_tmp ("atlas-user-render-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "square.geojson", NULL);
  g_autoptr(AtlasUserData) ud = NULL;
  AtlasUserLayerStyle style = { NULL, 0, TRUE, 1.0, { 0, 0, 1, 1 }, -1 };
  AtlasViewport vp;
  guint tx, ty;

  g_assert_true (g_file_set_contents (path,
    "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"name\":\"sq\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[116.2,39.8],[116.6,39.8],[116.6,40.1],[116.2,40.1],[116.2,39.8]]]}}]}",
    -1, NULL));
  ud = atlas_user_data_load (path, NULL, NULL, NULL, NULL, NULL);
  g_assert_nonnull (ud);
  style.data = ud;

  atlas_geo_lonlat_to_tile (116.4, 39.95, 9, &tx, &ty);
  atlas_viewport_for_tile (&vp, 9, tx, ty);
  {
    g_autoptr(AtlasUserRenderer) r = atlas_user_renderer_new (&style, 1);
    cairo_surface_t *s = atlas_painter_render_tile (atlas_user_renderer_as_painter (r), 9, tx, ty, 1);
    double px = (atlas_geo_lon_to_world_x (116.4) - vp.origin_x) * 256 * 512;
    double py = (atlas_geo_lat_to_world_y (39.95) - vp.origin_y) * 256 * 512;
    guint32 inside = pixel_at (s, (int) px, (int) py);

    /* light blue fill inside (premultiplied ARGB), nothing far outside */
    g_assert_cmpuint (inside >> 24, >, 0x30);
    g_assert_cmpuint (inside & 0xff, >, ((inside >> 16) & 0xff) + 0x20);
    g_assert_cmpuint (pixel_at (s, px < 128 ? 250 : 5, py < 128 ? 250 : 5) >> 24, ==, 0);
    cairo_surface_destroy (s);
  }
  {
    g_autoptr(AtlasUserRenderer) r = NULL;
    cairo_surface_t *s;

    style.visible = FALSE;
    r = atlas_user_renderer_new (&style, 1);
    s = atlas_painter_render_tile (atlas_user_renderer_as_painter (r), 9, tx, ty, 1);
    g_assert_cmpuint (atlas_user_renderer_n_visible (r), ==, 0);
    g_assert_cmpuint (pixel_at (s, 128, 128) >> 24, ==, 0);
    cairo_surface_destroy (s);
  }
  g_unlink (path);
  g_rmdir (dir);
}

static void
free_labels (GArray *labels)
{
  for (guint i = 0; i < labels->len; i++)
    g_object_unref (g_array_index (labels, AtlasUserLabel, i).layout);
  g_array_unref (labels);
}

static gboolean
boxes_overlap (const AtlasRect *a,
               const AtlasRect *b)
{
  return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

static void
assert_no_overlap (GArray *labels)
{
  for (guint i = 0; i < labels->len; i++)
    for (guint j = i + 1; j < labels->len; j++)
      {
        AtlasUserLabel *a = &g_array_index (labels, AtlasUserLabel, i);
        AtlasUserLabel *b = &g_array_index (labels, AtlasUserLabel, j);

        g_assert_false (a->feature != b->feature && boxes_overlap (&a->box, &b->box));
      }
}

/* The user's labels have a collision set of their own: none overlaps another,
 * and two neighbouring tiles agree on the labels across their edge. */
static void
test_labels (void)
{
  g_autofree char *dir = g_dir_make_tmp ("atlas-user-labels-XXXXXX", NULL);
  g_autofree char *dense = g_build_filename (dir, "dense.csv", NULL);
  g_autofree char *sparse = g_build_filename (dir, "sparse.csv", NULL);
  g_autoptr(GString) text = g_string_new ("name,lon,lat\n");
  g_autoptr(AtlasUserData) ud = NULL;
  g_autoptr(AtlasUserData) few = NULL;
  AtlasUserLayerStyle style = { NULL, 0, TRUE, 1.0, { 0.85, 0.16, 0.55, 1 }, 0 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  guint tx, ty, across = 0;

  for (guint i = 0; i < 3000; i++)
    g_string_append_printf (text, "地点%u,%.5f,%.5f\n", i, 116.0 + g_rand_double (rand) * 0.7,
                            39.6 + g_rand_double (rand) * 0.4);
  g_assert_true (g_file_set_contents (dense, text->str, -1, NULL));
  g_assert_true (g_file_set_contents (sparse, "name,lon,lat\n甲地,116.1,39.9\n乙地,116.5,39.9\n丙地,116.3,39.7\n",
                                      -1, NULL));
  ud = atlas_user_data_load (dense, NULL, NULL, NULL, NULL, NULL);
  few = atlas_user_data_load (sparse, NULL, NULL, NULL, NULL, NULL);
  g_assert_nonnull (ud);
  g_assert_nonnull (few);

  atlas_geo_lonlat_to_tile (116.35, 39.8, 10, &tx, &ty);
  {
    g_autoptr(AtlasUserRenderer) r = (style.data = ud, atlas_user_renderer_new (&style, 1));
    AtlasViewport a, b;
    GArray *la, *lb;

    atlas_viewport_for_tile (&a, 10, tx, ty);
    atlas_viewport_for_tile (&b, 10, tx + 1, ty);
    la = atlas_user_renderer_place_labels (r, 0, &a);
    lb = atlas_user_renderer_place_labels (r, 0, &b);
    g_test_message ("%u and %u labels in two neighbouring tiles", la->len, lb->len);
    g_assert_cmpuint (la->len, >, 10);
    g_assert_cmpuint (lb->len, >, 10);
    assert_no_overlap (la);
    assert_no_overlap (lb);
    /* a label across the edge is in both tiles, at the same place */
    for (guint i = 0; i < la->len; i++)
      {
        AtlasUserLabel *l = &g_array_index (la, AtlasUserLabel, i);
        gboolean found = FALSE;

        if (l->box.x1 <= (tx + 1) * 256.0)
          continue;
        across++;
        for (guint j = 0; j < lb->len; j++)
          {
            AtlasUserLabel *m = &g_array_index (lb, AtlasUserLabel, j);

            found |= m->feature == l->feature && m->box.x0 == l->box.x0 && m->box.y0 == l->box.y0;
          }
        g_assert_true (found);
      }
    g_assert_cmpuint (across, >, 0);
    g_array_append_vals (la, lb->data, lb->len);
    assert_no_overlap (la);
    /* the tile is drawn with them */
    {
      cairo_surface_t *surface = atlas_painter_render_tile (atlas_user_renderer_as_painter (r), 10, tx, ty, 1);

      g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
      cairo_surface_destroy (surface);
    }
    g_array_set_size (la, la->len - lb->len);
    free_labels (la);
    free_labels (lb);
  }
  {
    g_autoptr(AtlasUserRenderer) r = (style.data = few, atlas_user_renderer_new (&style, 1));
    AtlasViewport vp = { 9, atlas_geo_lon_to_world_x (115.9), atlas_geo_lat_to_world_y (40.0), 600, 400 };
    GArray *labels = atlas_user_renderer_place_labels (r, 0, &vp);

    g_assert_cmpuint (labels->len, ==, 3);   /* a few sites are all named */
    free_labels (labels);
  }
  g_unlink (dense);
  g_unlink (sparse);
  g_rmdir (dir);
}

/* Many points are drawn as small squares; where they overlap they do not
 * cancel each other out: a dense patch is solid. */
static void
test_many_points_solid (void)
{
  g_autofree char *dir = g_dir_make_tmp ("atlas-user-many-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "grid.csv", NULL);
  g_autoptr(GString) text = g_string_new ("lon,lat\n");
  g_autoptr(AtlasUserData) ud = NULL;
  AtlasUserLayerStyle style = { NULL, 0, TRUE, 1.0, { 0.10, 0.45, 0.85, 1 }, -1 };
  guint tx, ty, holes = 0;
  AtlasViewport vp;

  for (guint i = 0; i < 90; i++)
    for (guint j = 0; j < 90; j++)
      g_string_append_printf (text, "%.6f,%.6f\n", 116.30 + i * 0.001, 39.90 + j * 0.001);
  g_assert_true (g_file_set_contents (path, text->str, -1, NULL));
  ud = atlas_user_data_load (path, NULL, NULL, NULL, NULL, NULL);
  g_assert_nonnull (ud);
  style.data = ud;
  atlas_geo_lonlat_to_tile (116.345, 39.945, 10, &tx, &ty);
  atlas_viewport_for_tile (&vp, 10, tx, ty);
  {
    g_autoptr(AtlasUserRenderer) r = atlas_user_renderer_new (&style, 1);
    cairo_surface_t *s = atlas_painter_render_tile (atlas_user_renderer_as_painter (r), 10, tx, ty, 1);
    double x0 = (atlas_geo_lon_to_world_x (116.305) - vp.origin_x) * 256 * 1024;
    double x1 = (atlas_geo_lon_to_world_x (116.385) - vp.origin_x) * 256 * 1024;
    double y0 = (atlas_geo_lat_to_world_y (39.985) - vp.origin_y) * 256 * 1024;
    double y1 = (atlas_geo_lat_to_world_y (39.905) - vp.origin_y) * 256 * 1024;

    for (int y = MAX (0, (int) y0); y < MIN (256, (int) y1); y++)
      for (int x = MAX (0, (int) x0); x < MIN (256, (int) x1); x++)
        holes += pixel_at (s, x, y) >> 24 < 0xf0;
    g_assert_cmpint ((int) x1 - (int) x0, >, 20);
    g_assert_cmpuint (holes, ==, 0);
    cairo_surface_destroy (s);
  }
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/atlas/user-render/polygon", test_polygon_and_opacity);
  g_test_add_func ("/atlas/user-render/labels", test_labels);
  g_test_add_func ("/atlas/user-render/many-points", test_many_points_solid);
  return g_test_run ();
}
