/* test-page.c — export pages checked by their pixels */

#include <math.h>

#include "export/atlas-export.h"
#include "model/atlas-data.h"
#include "model/atlas-layer-state.h"
#include "atlas-test-util.h"

static AtlasData *data;

/* Pixels per point: the frame's 0.8 pt outline is then solid. */
#define PX_PER_PT 4

static gboolean
is_colour (cairo_surface_t *s,
           int              x,
           int              y,
           int              r,
           int              g,
           int              b,
           int              tolerance)
{
  const guint8 *bytes = cairo_image_surface_get_data (s);
  guint32 v = *(const guint32 *) (bytes + y * cairo_image_surface_get_stride (s) + 4 * x);

  return abs ((int) ((v >> 16) & 0xff) - r) <= tolerance && abs ((int) ((v >> 8) & 0xff) - g) <= tolerance
         && abs ((int) (v & 0xff) - b) <= tolerance;
}

#define IS_FRAME(s, x, y) is_colour (s, x, y, 64, 64, 71, 8)

static cairo_surface_t *
draw_page (AtlasExportJob *job)
{
  double w, h;
  cairo_surface_t *s;
  cairo_t *cr;

  atlas_export_page_size_pt (job, &w, &h);
  s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, ceil (w * PX_PER_PT), ceil (h * PX_PER_PT));
  cr = cairo_create (s);
  cairo_scale (cr, PX_PER_PT, PX_PER_PT);
  atlas_export_draw_page (job, cr, 0);
  cairo_destroy (cr);
  cairo_surface_flush (s);
  return s;
}

/* The map frame, found by its outline: the first outline pixel on the
 * middle row from the left, then along that edge up and down, and along
 * the top edge to the right. */
static void
find_frame (cairo_surface_t *s,
            int             *x0,
            int             *y0,
            int             *x1,
            int             *y1)
{
  int w = cairo_image_surface_get_width (s), h = cairo_image_surface_get_height (s), x, y;

  for (x = 0; x < w / 2 && !IS_FRAME (s, x, h / 2); x++)
    ;
  g_assert_cmpint (x, <, w / 2);
  x++;
  for (y = h / 2; y > 0 && IS_FRAME (s, x, y - 1); y--)
    ;
  *y0 = y;
  for (y = h / 2; y < h - 1 && IS_FRAME (s, x, y + 1); y++)
    ;
  *y1 = y;
  *x0 = x - 1;
  for (x = *x0; x < w - 1 && IS_FRAME (s, x + 1, *y0 + 1); x++)
    ;
  *x1 = x;
  g_assert_cmpint (*y1 - *y0, >, h / 3);
  g_assert_cmpint (*x1 - *x0, >, w / 3);
}

/* "Whole region" on an A3 sheet: 北京, 天津 and 河北 fill the map frame
 * (the outline of 产业协同圈, which is all three, spans the frame's width
 * or height). */
static void
test_region_fills_frame (void)
{
  g_autoptr(AtlasExportJob) job = atlas_export_job_new (data, NULL);
  g_autoptr(AtlasLayerState) state = atlas_layer_state_new (data->overlays);
  g_autoptr(AtlasVisibility) shown = NULL;
  AtlasOverlayLayer *industrial = atlas_test_layer (data, "circles.industrial");
  const AtlasOverlayStyle *style = g_ptr_array_index (industrial->styles, 0);
  int r = style->stroke.r * 255 + 0.5, g = style->stroke.g * 255 + 0.5, b = style->stroke.b * 255 + 0.5;
  int fx0, fy0, fx1, fy1, bx0 = G_MAXINT, by0 = G_MAXINT, bx1 = -1, by1 = -1;
  cairo_surface_t *s;
  double share_w, share_h;

  job->paper = atlas_paper_lookup ("A3");
  job->landscape = TRUE;
  atlas_layer_state_set_visible_ids (state, "circles.industrial", NULL);
  shown = atlas_layer_state_snapshot (state);
  atlas_export_job_set_visibility (job, shown);
  s = draw_page (job);
  find_frame (s, &fx0, &fy0, &fx1, &fy1);

  for (int y = fy0 + 2; y < fy1 - 2; y++)
    for (int x = fx0 + 2; x < fx1 - 2; x++)
      if (is_colour (s, x, y, r, g, b, 6))
        {
          bx0 = MIN (bx0, x);
          bx1 = MAX (bx1, x);
          by0 = MIN (by0, y);
          by1 = MAX (by1, y);
        }
  cairo_surface_destroy (s);

  share_w = (double) (bx1 - bx0) / (fx1 - fx0);
  share_h = (double) (by1 - by0) / (fy1 - fy0);
  g_test_message ("the region spans %.0f %% of the frame's width and %.0f %% of its height",
                  share_w * 100, share_h * 100);
  g_assert_cmpint (bx1, >, 0);
  g_assert_cmpfloat (MAX (share_w, share_h), >=, 0.9);
  g_assert_cmpfloat (MIN (share_w, share_h), >=, 0.4);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  data = atlas_test_load_data ();

  g_test_add_func ("/atlas/page/region-fills-frame", test_region_fills_frame);

  status = g_test_run ();
  atlas_data_unref (data);
  return status;
}
