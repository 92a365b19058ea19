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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/atlas/user-render/polygon", test_polygon_and_opacity);
  return g_test_run ();
}
