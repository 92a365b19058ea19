/* atlas-overlay-renderer.c — draws the plan's overlay layers with cairo
 *
 * Drawing order: zones (largest first, so nested circles show as nested
 * solid zones), then bands, lines, symbols, and labels. A layer's opacity
 * is applied to each of its features as a group, which cairo keeps as
 * vectors in PDF and SVG.
 */

#include "atlas-overlay-renderer.h"
#include "atlas-paint.h"

#include <math.h>
#include <string.h>

#include "model/atlas-views.h"
#include "model/atlas-visibility.h"

#define N_ZOOMS (ATLAS_MAX_ZOOM + 1)

struct _AtlasOverlayRenderer
{
  AtlasPainter     parent;
  AtlasOverlays   *overlays;
  AtlasVisibility *visibility;
  GPtrArray       *passes[ATLAS_N_OVERLAY_KINDS];  /* features to draw, in order */
  GArray          *labels;       /* AtlasLabel of the visible features */
  AtlasBasemap    *basemap;      /* (nullable) whose labels are placed and drawn with ours */
  GHashTable      *inner;        /* nested circle → the next inner circle shown */
  GArray          *reserved;     /* AtlasRect, viewport pixels: no labels there (pages) */
  GMutex           lock;
  GArray          *placements[N_ZOOMS];
};

/* Order of drawing */

static int
compare_by_area_desc (gconstpointer a,
                      gconstpointer b)
{
  const AtlasOverlayFeature *fa = *(AtlasOverlayFeature **) a, *fb = *(AtlasOverlayFeature **) b;
  double aa = isnan (fa->area_km2) ? 0 : fa->area_km2, ab = isnan (fb->area_km2) ? 0 : fb->area_km2;

  if (aa != ab)
    return aa > ab ? -1 : 1;
  return fa->index < fb->index ? -1 : (fa->index > fb->index);
}

static AtlasOverlayKind
pass_for_feature (const AtlasOverlayFeature *f)
{
  switch (f->shape)
    {
    case ATLAS_SHAPE_POLYGON:
      return ATLAS_OVERLAY_ZONE;
    case ATLAS_SHAPE_LINE:
      return f->band_km > 0 || f->style->band_width_px > 0 || f->layer->kind == ATLAS_OVERLAY_BAND
             ? ATLAS_OVERLAY_BAND : ATLAS_OVERLAY_LINE;
    case ATLAS_SHAPE_POINT:
    default:
      return ATLAS_OVERLAY_POINT;
    }
}

static gboolean
rect_contains (const AtlasRect *outer,
               const AtlasRect *inner)
{
  return inner->x0 >= outer->x0 && inner->x1 <= outer->x1 && inner->y0 >= outer->y0
         && inner->y1 <= outer->y1;
}

/* Nested circles (style "nested"): each circle shown is filled and
 * labelled in its own band, outside the circles shown directly inside it
 * (those not inside another of them). @zones is sorted by area, largest
 * first. Returns circle → GPtrArray of its inner circles. */
static GHashTable *
find_inner_circles (GPtrArray *zones)
{
  GHashTable *inner = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);

  for (guint i = 0; i < zones->len; i++)
    {
      AtlasOverlayFeature *outer = g_ptr_array_index (zones, i);
      GPtrArray *children = NULL;

      if (!outer->style->nested)
        continue;
      for (guint j = i + 1; j < zones->len; j++)
        {
          AtlasOverlayFeature *f = g_ptr_array_index (zones, j);
          gboolean in_child = FALSE;

          if (!f->style->nested || f->area_km2 >= outer->area_km2
              || !rect_contains (&outer->bbox, &f->bbox))
            continue;
          for (guint c = 0; children != NULL && c < children->len && !in_child; c++)
            in_child = rect_contains (&((AtlasOverlayFeature *) children->pdata[c])->bbox, &f->bbox);
          if (in_child)
            continue;
          if (children == NULL)
            children = g_ptr_array_new ();
          g_ptr_array_add (children, f);
        }
      if (children != NULL)
        g_hash_table_insert (inner, outer, children);
    }
  return inner;
}

/* The zoom from which a zone is large enough on screen to carry its name. */
static guint
label_min_zoom (const AtlasOverlayFeature *f)
{
  double w;

  if (f->shape == ATLAS_SHAPE_POINT)
    return 7;
  if (f->shape == ATLAS_SHAPE_LINE)
    return 7;
  w = MAX (f->bbox.x1 - f->bbox.x0, f->bbox.y1 - f->bbox.y0) * ATLAS_TILE_SIZE;
  if (w <= 0)
    return 10;
  return (guint) CLAMP (ceil (log2 (90.0 / w)), ATLAS_MIN_ZOOM, ATLAS_MAX_ZOOM);
}

static void
colour_of (const AtlasOverlayStyle *s,
           AtlasLabel              *label)
{
  const AtlasColor *c = s->has_stroke ? &s->stroke : &s->fill;

  /* text in the feature's colour, darkened to stay legible on the map */
  label->has_colour = TRUE;
  label->r = c->r * 0.7;
  label->g = c->g * 0.7;
  label->b = c->b * 0.7;
}

/* The name without its parenthesised explanation, for the map:
 * "北京平原新城（顺义、大兴…）" → "北京平原新城". */
static char *
short_name (const char *name)
{
  const char *paren = strstr (name, "（");

  if (paren == NULL || paren == name)
    return g_strdup (name);
  return g_strndup (name, paren - name);
}

static void
clear_label (gpointer data)
{
  AtlasLabel *l = data;

  g_free (l->name_zh);
  g_free (l->name_en);
}

static void
build_labels (AtlasOverlayRenderer *self)
{
  for (guint k = 0; k < ATLAS_N_OVERLAY_KINDS; k++)
    for (guint i = 0; i < self->passes[k]->len; i++)
      {
        const AtlasOverlayFeature *f = g_ptr_array_index (self->passes[k], i);
        AtlasLabel label = { 0 };

        label.kind = f->shape == ATLAS_SHAPE_POINT ? ATLAS_LABEL_OVERLAY_POINT : ATLAS_LABEL_OVERLAY_AREA;
        /* symbols first, then lines, then zones from the smallest */
        label.rank = 10 + (ATLAS_N_OVERLAY_KINDS - k);
        label.min_zoom = label_min_zoom (f);
        label.max_zoom = ATLAS_MAX_ZOOM;
        label.lon = f->anchor_lon;
        label.lat = f->anchor_lat;
        label.world = f->anchor;
        if (g_hash_table_contains (self->inner, f))
          atlas_overlays_band_anchor (self->overlays, f, g_hash_table_lookup (self->inner, f),
                                      &label.world);
        label.code = f->index;
        label.name_zh = short_name (f->name_zh);
        label.name_en = g_strdup (f->name_en);
        label.offset = f->shape == ATLAS_SHAPE_POINT ? f->style->symbol_size / 2 + 1 : 0;
        colour_of (f->style, &label);
        g_array_append_val (self->labels, label);
      }
}

/* Drawing helpers */

static void
set_colour (cairo_t          *cr,
            const AtlasColor *c)
{
  cairo_set_source_rgba (cr, c->r, c->g, c->b, c->a);
}

static const AtlasGeomLayer *
band_geom (const AtlasGeomLayer *bands,
           double                zoom)
{
  return &bands[atlas_basemap_band_for_zoom ((guint) floor (zoom))];
}

/* Adds the feature's geometry at the viewport's zoom to the path, or,
 * with @stroke, strokes it with the dash of @cr. */
static void
trace_geometry (cairo_t                   *cr,
                const AtlasOverlayFeature *f,
                const AtlasViewport       *vp,
                gboolean                   stroke)
{
  const AtlasGeomLayer *g = band_geom (f->geom, vp->zoom);
  gboolean close = f->shape == ATLAS_SHAPE_POLYGON;
  AtlasPathClip clip;

  if (g->n_features == 0)
    return;
  atlas_path_clip_init (&clip, vp, 64.0);
  if (stroke)
    atlas_stroke_feature (cr, g, &g->features[0], &clip, close);
  else
    atlas_path_add_feature (cr, g, &g->features[0], vp, &clip, close);
}

void
atlas_overlay_draw_feature_path (cairo_t                   *cr,
                                 const AtlasOverlayFeature *f,
                                 const AtlasViewport       *vp)
{
  trace_geometry (cr, f, vp, FALSE);
}

static void
stroke_geometry (cairo_t                   *cr,
                 const AtlasOverlayFeature *f,
                 const AtlasViewport       *vp)
{
  trace_geometry (cr, f, vp, TRUE);
}

/* On a raster target, the hatch as one small repeating cell anchored to
 * the world (continuous across tiles), filled through the current path:
 * many times cheaper than clipping and stroking hundreds of marks per
 * tile. Vector targets (PDF, SVG) keep the marks as vectors. */
static gboolean
fill_hatch_pattern (cairo_t             *cr,
                    AtlasHatch           hatch,
                    const AtlasColor    *colour,
                    const AtlasViewport *vp,
                    double               spacing)
{
  double scale = ATLAS_TILE_SIZE * pow (2, vp->zoom);
  double cw = spacing, ch = hatch == ATLAS_HATCH_TREES ? 2 * spacing : spacing;
  double dx = 1, dy = 0, k;
  cairo_surface_t *cell;
  cairo_pattern_t *pattern;
  cairo_matrix_t matrix;
  cairo_t *c;

  if (cairo_surface_get_type (cairo_get_target (cr)) != CAIRO_SURFACE_TYPE_IMAGE)
    return FALSE;
  /* the cell at the device's resolution: whole scales (tiles, HiDPI
   * tiles); a page at another scale (a PNG at 300 dpi) is drawn once and
   * keeps the marks, which a resampled cell would only make slower */
  cairo_user_to_device_distance (cr, &dx, &dy);
  k = hypot (dx, dy);
  if (dy != 0 || fabs (k - round (k)) > 1e-9 || k < 1 || k > 8)
    return FALSE;
  k = round (k);
  cell = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) (cw * k), (int) (ch * k));
  cairo_surface_set_device_scale (cell, k, k);
  c = cairo_create (cell);

  if (hatch == ATLAS_HATCH_TREES)
    {
      /* staggered tree marks, a crown on a stem: the even rows at the
       * cell's corners (copies at its edges), the odd one in its middle */
      static const double at[][2] = { { 0, 0 }, { 1, 0 }, { 0, 2 }, { 1, 2 }, { 0.5, 1 } };

      cairo_set_source_rgba (c, colour->r, colour->g, colour->b, MAX (colour->a, 0.75));
      for (guint i = 0; i < G_N_ELEMENTS (at); i++)
        {
          double x = at[i][0] * spacing, y = at[i][1] * spacing;

          cairo_move_to (c, x, y - 3.2);
          cairo_line_to (c, x + 2.4, y + 0.8);
          cairo_line_to (c, x - 2.4, y + 0.8);
          cairo_close_path (c);
          cairo_rectangle (c, x - 0.5, y + 0.8, 1.0, 1.8);
        }
      cairo_fill (c);
    }
  else if (hatch == ATLAS_HATCH_DOTS)
    {
      cairo_set_source_rgba (c, colour->r, colour->g, colour->b, MAX (colour->a, 0.55));
      for (int i = 0; i < 4; i++)
        {
          cairo_new_sub_path (c);
          cairo_arc (c, (i % 2) * spacing, (i / 2) * spacing, 1.1, 0, 2 * G_PI);
        }
      cairo_fill (c);
    }
  else
    {
      cairo_set_source_rgba (c, colour->r, colour->g, colour->b, MAX (colour->a, 0.55));
      cairo_set_line_width (c, 1.0);
      for (int i = -1; i <= 1; i++)
        {
          cairo_move_to (c, i * spacing - 1, -1);
          cairo_line_to (c, i * spacing + spacing + 1, spacing + 1);
          if (hatch == ATLAS_HATCH_CROSS)
            {
              cairo_move_to (c, i * spacing + spacing + 1, -1);
              cairo_line_to (c, i * spacing - 1, spacing + 1);
            }
        }
      cairo_stroke (c);
    }
  cairo_destroy (c);

  pattern = cairo_pattern_create_for_surface (cell);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_REPEAT);
  /* pattern space: world pixels modulo the cell */
  cairo_matrix_init_translate (&matrix, fmod (vp->origin_x * scale, cw), fmod (vp->origin_y * scale, ch));
  cairo_pattern_set_matrix (pattern, &matrix);
  cairo_save (cr);
  cairo_set_source (cr, pattern);
  cairo_fill (cr);   /* consumes the path, as the clip of draw_hatch() does */
  cairo_restore (cr);
  cairo_pattern_destroy (pattern);
  cairo_surface_destroy (cell);
  return TRUE;
}

static void
draw_hatch (cairo_t             *cr,
            AtlasHatch           hatch,
            const AtlasColor    *colour,
            const AtlasViewport *vp,
            double               spacing)
{
  double size = vp->width + vp->height;
  /* anchor the pattern to the world, so that it continues across tiles */
  double scale = ATLAS_TILE_SIZE * pow (2, vp->zoom);
  double ox = fmod (vp->origin_x * scale, spacing), oy = fmod (vp->origin_y * scale, spacing);

  if (fill_hatch_pattern (cr, hatch, colour, vp, spacing))
    return;
  cairo_save (cr);
  cairo_clip (cr);
  cairo_set_source_rgba (cr, colour->r, colour->g, colour->b, MAX (colour->a, 0.55));
  cairo_set_line_width (cr, 1.0);

  if (hatch == ATLAS_HATCH_TREES)
    {
      /* staggered tree marks: a crown on a stem */
      cairo_set_source_rgba (cr, colour->r, colour->g, colour->b, MAX (colour->a, 0.75));
      for (double y = -oy, row = 0; y < vp->height + spacing; y += spacing, row++)
        for (double x = -ox + (fmod (row + floor (vp->origin_y * scale / spacing), 2) != 0 ? spacing / 2 : 0);
             x < vp->width + spacing; x += spacing)
          {
            cairo_move_to (cr, x, y - 3.2);
            cairo_line_to (cr, x + 2.4, y + 0.8);
            cairo_line_to (cr, x - 2.4, y + 0.8);
            cairo_close_path (cr);
            cairo_rectangle (cr, x - 0.5, y + 0.8, 1.0, 1.8);
          }
      cairo_fill (cr);
    }
  else if (hatch == ATLAS_HATCH_DOTS)
    {
      for (double y = -oy; y < vp->height + spacing; y += spacing)
        for (double x = -ox; x < vp->width + spacing; x += spacing)
          {
            cairo_new_sub_path (cr);
            cairo_arc (cr, x, y, 1.1, 0, 2 * G_PI);
          }
      cairo_fill (cr);
    }
  else
    {
      for (double d = -size - fmod (ox + oy, spacing); d < size; d += spacing)
        {
          cairo_move_to (cr, d, 0);
          cairo_line_to (cr, d + vp->height, vp->height);
          if (hatch == ATLAS_HATCH_CROSS)
            {
              cairo_move_to (cr, d + vp->height, 0);
              cairo_line_to (cr, d, vp->height);
            }
        }
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

static void
apply_dash (cairo_t                 *cr,
            const AtlasOverlayStyle *s,
            gboolean                 schematic)
{
  if (s->has_dash)
    cairo_set_dash (cr, s->dash, s->n_dash, 0);
  else if (schematic)
    cairo_set_dash (cr, (double[]) { 6, 4 }, 2, 0);
  else
    cairo_set_dash (cr, NULL, 0, 0);
  /* round caps would close the gaps of a dash-dot */
  if (s->has_dash || schematic)
    cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
}

static void
draw_zone (cairo_t                   *cr,
           const AtlasOverlayFeature *f,
           GPtrArray                 *inner,
           const AtlasViewport       *vp)
{
  const AtlasOverlayStyle *s = f->style;
  const AtlasGeomLayer *partial = band_geom (f->partial_geom, vp->zoom);

  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
  cairo_new_path (cr);
  atlas_overlay_draw_feature_path (cr, f, vp);
  /* a nested circle is filled in its own band only */
  for (guint i = 0; inner != NULL && i < inner->len; i++)
    atlas_overlay_draw_feature_path (cr, inner->pdata[i], vp);

  if (s->has_fill)
    {
      set_colour (cr, &s->fill);
      cairo_fill_preserve (cr);
    }
  if (s->hatch != ATLAS_HATCH_NONE)
    {
      cairo_path_t *path = cairo_copy_path (cr);

      draw_hatch (cr, s->hatch, s->has_stroke ? &s->stroke : &s->fill, vp,
                  s->hatch == ATLAS_HATCH_TREES ? 14 : 9);
      cairo_append_path (cr, path);
      cairo_path_destroy (path);
    }
  cairo_new_path (cr);
  if (s->has_stroke && s->stroke_width > 0)
    {
      set_colour (cr, &s->stroke);
      cairo_set_line_width (cr, s->stroke_width);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      apply_dash (cr, s, f->schematic);
      stroke_geometry (cr, f, vp);
      cairo_set_dash (cr, NULL, 0, 0);
    }

  /* Units only partly included: hatched, not filled. */
  if (partial->n_features > 0)
    {
      AtlasPathClip clip;
      const AtlasColor *c = s->has_fill ? &s->fill : &s->stroke;

      atlas_path_clip_init (&clip, vp, 64.0);
      if (!atlas_rect_intersects (&partial->features[0].bbox, &clip.world))
        return;   /* none of them here */
      atlas_path_add_feature (cr, partial, &partial->features[0], vp, &clip, TRUE);
      draw_hatch (cr, ATLAS_HATCH_DIAGONAL, &(AtlasColor) { c->r, c->g, c->b, 0.5 }, vp, 7);
      cairo_new_path (cr);
    }
}

double
atlas_overlay_band_width_px (const AtlasOverlayFeature *f,
                             double                     zoom)
{
  if (f->band_km > 0)
    {
      double m_per_px = ATLAS_EARTH_CIRCUMFERENCE_M * cos (f->anchor_lat * G_PI / 180)
                        / (ATLAS_TILE_SIZE * pow (2, zoom));

      /* never thinner than a line, never so wide it hides the map */
      return CLAMP (f->band_km * 1000 / m_per_px, 3, ATLAS_BAND_MAX_PX);
    }
  return f->style->band_width_px > 0 ? f->style->band_width_px : 10;
}

static void
draw_arrow_head (cairo_t                   *cr,
                 const AtlasOverlayFeature *f,
                 const AtlasViewport       *vp,
                 double                     size)
{
  const AtlasGeomLayer *g = band_geom (f->geom, vp->zoom);
  double scale = ATLAS_TILE_SIZE * pow (2, vp->zoom);
  const AtlasPart *part;
  AtlasPoint a, b;
  double angle, x, y;

  if (g->n_parts == 0 || g->parts[g->n_parts - 1].n_points < 2)
    return;
  part = &g->parts[g->n_parts - 1];
  a = g->points[part->first_point + part->n_points - 2];
  b = g->points[part->first_point + part->n_points - 1];
  x = (b.x - vp->origin_x) * scale;
  y = (b.y - vp->origin_y) * scale;
  angle = atan2 (b.y - a.y, b.x - a.x);

  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_rotate (cr, angle);
  cairo_move_to (cr, 0, 0);
  cairo_line_to (cr, -size, -size * 0.55);
  cairo_line_to (cr, -size * 0.75, 0);
  cairo_line_to (cr, -size, size * 0.55);
  cairo_close_path (cr);
  cairo_fill (cr);
  cairo_restore (cr);
}

/* Corridors (a stroke): a broad band along the alignment with its centre
 * line, and with "arrow", an arrow head pointing out from the core at the
 * outer end. Belts (no stroke): the wide translucent band alone. */
static void
draw_band (cairo_t                   *cr,
           const AtlasOverlayFeature *f,
           const AtlasViewport       *vp)
{
  const AtlasOverlayStyle *s = f->style;
  double width = atlas_overlay_band_width_px (f, vp->zoom);
  AtlasColor soft = s->has_fill ? s->fill : (AtlasColor) { s->stroke.r, s->stroke.g, s->stroke.b, 0.3 };

  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, s->has_stroke ? CAIRO_LINE_CAP_BUTT : CAIRO_LINE_CAP_ROUND);
  cairo_new_path (cr);
  atlas_overlay_draw_feature_path (cr, f, vp);
  set_colour (cr, &soft);
  cairo_set_line_width (cr, width);
  cairo_stroke_preserve (cr);

  cairo_new_path (cr);
  if (s->has_stroke)
    {
      set_colour (cr, &s->stroke);
      cairo_set_line_width (cr, MIN (s->stroke_width, width / 2));
      apply_dash (cr, s, f->schematic);
      stroke_geometry (cr, f, vp);
      cairo_set_dash (cr, NULL, 0, 0);
      if (s->arrow || f->directed)
        {
          AtlasColor head = { s->stroke.r, s->stroke.g, s->stroke.b, 0.85 };

          set_colour (cr, &head);
          draw_arrow_head (cr, f, vp, MAX (width * 1.1, 10 + 2 * s->stroke_width));
        }
    }
  cairo_new_path (cr);
}

static void
draw_line (cairo_t                   *cr,
           const AtlasOverlayFeature *f,
           const AtlasViewport       *vp)
{
  const AtlasOverlayStyle *s = f->style;
  const AtlasColor *c = s->has_stroke ? &s->stroke : &s->fill;

  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_new_path (cr);
  atlas_overlay_draw_feature_path (cr, f, vp);

  /* a white casing keeps lines readable over zones */
  cairo_set_source_rgba (cr, 1, 1, 1, 0.6);
  cairo_set_line_width (cr, s->stroke_width + 2);
  cairo_stroke_preserve (cr);

  cairo_new_path (cr);
  set_colour (cr, c);
  cairo_set_line_width (cr, s->stroke_width);
  apply_dash (cr, s, f->schematic);
  stroke_geometry (cr, f, vp);
  cairo_set_dash (cr, NULL, 0, 0);
  if (f->directed || s->arrow)
    draw_arrow_head (cr, f, vp, 7 + 2.5 * s->stroke_width);
}

/* Symbols, centred on (0, 0), of diameter @d */

static void
star_path (cairo_t *cr,
           double   r,
           guint    points,
           double   inner)
{
  for (guint i = 0; i < 2 * points; i++)
    {
      double a = -G_PI / 2 + i * G_PI / points;
      double rr = i % 2 == 0 ? r : r * inner;

      if (i == 0)
        cairo_move_to (cr, rr * cos (a), rr * sin (a));
      else
        cairo_line_to (cr, rr * cos (a), rr * sin (a));
    }
  cairo_close_path (cr);
}

static void
symbol_path (cairo_t     *cr,
             AtlasSymbol  symbol,
             double       d)
{
  double r = d / 2;

  switch (symbol)
    {
    case ATLAS_SYMBOL_SQUARE:
    case ATLAS_SYMBOL_DRYPORT:
      cairo_rectangle (cr, -r * 0.85, -r * 0.85, 1.7 * r, 1.7 * r);
      break;
    case ATLAS_SYMBOL_TRIANGLE:
      cairo_move_to (cr, 0, -r);
      cairo_line_to (cr, r * 0.95, r * 0.7);
      cairo_line_to (cr, -r * 0.95, r * 0.7);
      cairo_close_path (cr);
      break;
    case ATLAS_SYMBOL_DIAMOND:
      cairo_move_to (cr, 0, -r);
      cairo_line_to (cr, r, 0);
      cairo_line_to (cr, 0, r);
      cairo_line_to (cr, -r, 0);
      cairo_close_path (cr);
      break;
    case ATLAS_SYMBOL_STAR:
      star_path (cr, r * 1.1, 5, 0.45);
      break;
    case ATLAS_SYMBOL_HERITAGE:
      /* a roof over a base: a temple */
      cairo_move_to (cr, -r, -r * 0.15);
      cairo_line_to (cr, 0, -r);
      cairo_line_to (cr, r, -r * 0.15);
      cairo_line_to (cr, r * 0.7, -r * 0.15);
      cairo_line_to (cr, r * 0.7, r * 0.8);
      cairo_line_to (cr, -r * 0.7, r * 0.8);
      cairo_line_to (cr, -r * 0.7, -r * 0.15);
      cairo_close_path (cr);
      break;
    case ATLAS_SYMBOL_RED_FLAG:
      cairo_move_to (cr, -r * 0.6, r);
      cairo_line_to (cr, -r * 0.6, -r);
      cairo_line_to (cr, r, -r * 0.55);
      cairo_line_to (cr, -r * 0.35, -r * 0.1);
      cairo_line_to (cr, -r * 0.35, r);
      cairo_close_path (cr);
      break;
    case ATLAS_SYMBOL_RESERVOIR:
      /* a drop */
      cairo_move_to (cr, 0, -r);
      cairo_curve_to (cr, r * 0.4, -r * 0.4, r * 0.8, 0, r * 0.8, r * 0.3);
      cairo_arc (cr, 0, r * 0.3, r * 0.8, 0, G_PI);
      cairo_curve_to (cr, -r * 0.8, 0, -r * 0.4, -r * 0.4, 0, -r);
      cairo_close_path (cr);
      break;
    case ATLAS_SYMBOL_LAB:
      for (guint i = 0; i < 6; i++)
        {
          double a = G_PI / 6 + i * G_PI / 3;

          if (i == 0)
            cairo_move_to (cr, r * cos (a), r * sin (a));
          else
            cairo_line_to (cr, r * cos (a), r * sin (a));
        }
      cairo_close_path (cr);
      break;
    case ATLAS_SYMBOL_AIRPORT:
    case ATLAS_SYMBOL_SEAPORT:
    case ATLAS_SYMBOL_CIRCLE:
    case ATLAS_SYMBOL_NONE:
    default:
      cairo_arc (cr, 0, 0, r, 0, 2 * G_PI);
      break;
    }
}

/* White pictograms drawn inside some symbols. */
static void
symbol_glyph (cairo_t     *cr,
              AtlasSymbol  symbol,
              double       d)
{
  double r = d / 2;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  switch (symbol)
    {
    case ATLAS_SYMBOL_AIRPORT:
      /* a plane seen from above */
      cairo_set_line_width (cr, MAX (1.2, r * 0.22));
      cairo_move_to (cr, 0, -r * 0.65);
      cairo_line_to (cr, 0, r * 0.6);
      cairo_move_to (cr, -r * 0.6, 0);
      cairo_line_to (cr, r * 0.6, 0);
      cairo_move_to (cr, -r * 0.3, r * 0.5);
      cairo_line_to (cr, r * 0.3, r * 0.5);
      cairo_stroke (cr);
      break;
    case ATLAS_SYMBOL_SEAPORT:
      /* an anchor */
      cairo_set_line_width (cr, MAX (1.1, r * 0.16));
      cairo_move_to (cr, 0, -r * 0.55);
      cairo_line_to (cr, 0, r * 0.6);
      cairo_move_to (cr, -r * 0.35, -r * 0.3);
      cairo_line_to (cr, r * 0.35, -r * 0.3);
      cairo_stroke (cr);
      cairo_arc (cr, 0, r * 0.05, r * 0.55, G_PI * 0.15, G_PI * 0.85);
      cairo_stroke (cr);
      break;
    case ATLAS_SYMBOL_DRYPORT:
      cairo_rectangle (cr, -r * 0.35, -r * 0.35, r * 0.7, r * 0.7);
      cairo_fill (cr);
      break;
    default:
      break;
    }
}

static void
draw_symbol_at (cairo_t                 *cr,
                const AtlasOverlayStyle *s,
                double                   x,
                double                   y,
                double                   d)
{
  const AtlasColor *fill = s->has_fill ? &s->fill : &s->stroke;

  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_new_path (cr);
  symbol_path (cr, s->symbol, d);
  cairo_set_source_rgba (cr, fill->r, fill->g, fill->b, MAX (fill->a, 0.85));
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.95);
  cairo_set_line_width (cr, 1.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke (cr);
  if (s->has_stroke && s->has_fill)
    {
      symbol_path (cr, s->symbol, d - 1.5);
      set_colour (cr, &s->stroke);
      cairo_set_line_width (cr, 0.8);
      cairo_stroke (cr);
    }
  symbol_glyph (cr, s->symbol, d);
  cairo_restore (cr);
}

static void
draw_point (cairo_t                   *cr,
            const AtlasOverlayFeature *f,
            const AtlasViewport       *vp)
{
  double scale = ATLAS_TILE_SIZE * pow (2, vp->zoom);
  double x = (f->anchor.x - vp->origin_x) * scale, y = (f->anchor.y - vp->origin_y) * scale;
  /* symbols grow a little with the zoom */
  double d = f->style->symbol_size * CLAMP (0.75 + (vp->zoom - 7) * 0.06, 0.75, 1.2);

  draw_symbol_at (cr, f->style, x, y, d);
}

static gboolean
feature_in_view (const AtlasOverlayFeature *f,
                 const AtlasPathClip       *clip,
                 double                     margin_world)
{
  AtlasRect r = { f->bbox.x0 - margin_world, f->bbox.y0 - margin_world,
                  f->bbox.x1 + margin_world, f->bbox.y1 + margin_world };

  return atlas_rect_intersects (&r, &clip->world);
}

/* A feature's label stays on the feature's visible part: for a nested
 * circle, in its own band. */
static gboolean
label_inside_cb (const AtlasLabel *label,
                 double            world_x,
                 double            world_y,
                 gpointer          user_data)
{
  AtlasOverlayRenderer *self = user_data;
  GPtrArray *features = atlas_overlays_get_features (self->overlays);
  const AtlasOverlayFeature *f;
  GPtrArray *inner;

  if (label->code >= features->len)
    return FALSE;
  f = g_ptr_array_index (features, label->code);
  if (f->shape != ATLAS_SHAPE_POLYGON)
    return TRUE;
  if (atlas_geom_layer_hit (&f->geom[1], world_x, world_y) == NULL)
    return FALSE;
  inner = g_hash_table_lookup (self->inner, f);
  for (guint i = 0; inner != NULL && i < inner->len; i++)
    if (atlas_geom_layer_hit (&((AtlasOverlayFeature *) inner->pdata[i])->geom[1], world_x, world_y) != NULL)
      return FALSE;
  return TRUE;
}

static GArray *
place_labels (AtlasOverlayRenderer *self,
              const AtlasViewport  *vp,
              const AtlasRect      *world_filter)
{
  guint n_base = 0;
  const AtlasLabel *base = self->basemap != NULL ? atlas_basemap_get_labels (self->basemap, &n_base)
                                                 : NULL;
  double scale = ATLAS_TILE_SIZE * pow (2, vp->zoom);
  g_autoptr(GArray) reserved = g_array_new (FALSE, FALSE, sizeof (AtlasRect));

  /* a page's reserved boxes, in global pixels */
  for (guint i = 0; world_filter != NULL && i < self->reserved->len; i++)
    {
      AtlasRect r = g_array_index (self->reserved, AtlasRect, i);

      r.x0 += vp->origin_x * scale;
      r.x1 += vp->origin_x * scale;
      r.y0 += vp->origin_y * scale;
      r.y1 += vp->origin_y * scale;
      g_array_append_val (reserved, r);
    }

  return atlas_labels_place_all (base, n_base, (const AtlasLabel *) self->labels->data,
                                 self->labels->len, vp->zoom, world_filter, label_inside_cb, self,
                                 (const AtlasRect *) reserved->data, reserved->len);
}

/* Tiles (integer zooms) share one placement for the whole region, made
 * once per zoom, so that a label across a tile edge is drawn the same on
 * both sides. */
static GArray *
get_placements (AtlasOverlayRenderer *self,
                guint                 zoom)
{
  GArray *placed;

  zoom = MIN (zoom, N_ZOOMS - 1);
  g_mutex_lock (&self->lock);
  if (self->placements[zoom] == NULL)
    self->placements[zoom] = place_labels (self, &(AtlasViewport) { zoom, 0, 0, 0, 0 }, NULL);
  placed = self->placements[zoom];
  g_mutex_unlock (&self->lock);
  return placed;
}

/**
 * atlas_overlay_renderer_get_placements:
 *
 * The labels this painter draws at an integer @zoom: the features' and,
 * with atlas_overlay_renderer_set_basemap(), the base map's.
 *
 * Returns: (transfer none): #AtlasPlacedLabel
 */
GArray *
atlas_overlay_renderer_get_placements (AtlasOverlayRenderer *self,
                                       guint                 zoom)
{
  return get_placements (self, zoom);
}

/**
 * atlas_overlay_renderer_reserve:
 *
 * Keeps labels out of a box of a page (viewport pixels), such as where
 * the scale bar or the north arrow will be drawn. Tiles ignore it. Call
 * before drawing.
 */
void
atlas_overlay_renderer_reserve (AtlasOverlayRenderer *self,
                                double                x,
                                double                y,
                                double                width,
                                double                height)
{
  AtlasRect r = { x, y, x + width, y + height };

  g_array_append_val (self->reserved, r);
}

/**
 * atlas_overlay_renderer_set_basemap:
 *
 * Makes this painter place and draw the base map's labels together with
 * the features' (one collision set); the base map is then drawn without
 * them (atlas_basemap_renderer_set_labels()). Call before drawing.
 */
void
atlas_overlay_renderer_set_basemap (AtlasOverlayRenderer *self,
                                    AtlasBasemap         *basemap)
{
  g_return_if_fail (self->placements[ATLAS_MIN_ZOOM] == NULL);

  g_set_object (&self->basemap, basemap);
}

static void
overlay_draw (AtlasPainter        *painter,
              cairo_t             *cr,
              const AtlasViewport *vp)
{
  AtlasOverlayRenderer *self = (AtlasOverlayRenderer *) painter;
  double scale = ATLAS_TILE_SIZE * pow (2, vp->zoom);
  g_autoptr(GArray) own_placements = NULL;
  GArray *placements;
  AtlasPathClip clip;

  atlas_path_clip_init (&clip, vp, 48.0);
  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, vp->width, vp->height);
  cairo_clip (cr);

  for (guint k = 0; k < ATLAS_N_OVERLAY_KINDS; k++)
    for (guint i = 0; i < self->passes[k]->len; i++)
      {
        const AtlasOverlayFeature *f = g_ptr_array_index (self->passes[k], i);
        double opacity = atlas_visibility_layer_opacity (self->visibility, f->layer);
        double margin = 0;

        if (k == ATLAS_OVERLAY_BAND)
          margin = atlas_overlay_band_width_px (f, vp->zoom) / scale;
        else if (k == ATLAS_OVERLAY_POINT)
          margin = f->style->symbol_size / scale;
        if (!feature_in_view (f, &clip, margin))
          continue;

        if (opacity < 1.0)
          cairo_push_group (cr);

        switch (k)
          {
          case ATLAS_OVERLAY_ZONE:
            draw_zone (cr, f, g_hash_table_lookup (self->inner, f), vp);
            break;
          case ATLAS_OVERLAY_BAND:
            draw_band (cr, f, vp);
            break;
          case ATLAS_OVERLAY_LINE:
            draw_line (cr, f, vp);
            break;
          case ATLAS_OVERLAY_POINT:
          default:
            draw_point (cr, f, vp);
            break;
          }

        if (opacity < 1.0)
          {
            cairo_pop_group_to_source (cr);
            cairo_paint_with_alpha (cr, opacity);
          }
      }

  if (vp->zoom == floor (vp->zoom))
    placements = get_placements (self, (guint) vp->zoom);
  else
    {
      /* a page (not a tile): a name that would run off its edge is left out */
      double ox = vp->origin_x * scale, oy = vp->origin_y * scale;

      placements = own_placements = place_labels (self, vp, &clip.world);
      for (guint i = own_placements->len; i-- > 0;)
        {
          const AtlasRect *box = &g_array_index (own_placements, AtlasPlacedLabel, i).box;

          if (box->x0 < ox || box->y0 < oy || box->x1 > ox + vp->width || box->y1 > oy + vp->height)
            g_array_remove_index (own_placements, i);
        }
    }
  atlas_labels_draw (cr, placements, vp);

  cairo_restore (cr);
}

static void
overlay_finalize (AtlasPainter *painter)
{
  AtlasOverlayRenderer *self = (AtlasOverlayRenderer *) painter;

  for (guint z = 0; z < N_ZOOMS; z++)
    g_clear_pointer (&self->placements[z], g_array_unref);
  for (guint k = 0; k < ATLAS_N_OVERLAY_KINDS; k++)
    g_ptr_array_unref (self->passes[k]);
  g_array_unref (self->labels);
  g_hash_table_unref (self->inner);
  g_array_unref (self->reserved);
  g_clear_object (&self->basemap);
  g_mutex_clear (&self->lock);
  atlas_visibility_unref (self->visibility);
  g_object_unref (self->overlays);
  g_free (self);
}

static const AtlasPainterClass overlay_painter_class = { overlay_draw, overlay_finalize };

/**
 * atlas_overlay_renderer_new:
 * @visibility: which layers and features are shown, and how opaque
 *
 * Returns: (transfer full): a painter of the shown layers
 */
AtlasOverlayRenderer *
atlas_overlay_renderer_new (AtlasOverlays   *overlays,
                            AtlasVisibility *visibility)
{
  AtlasOverlayRenderer *self = g_new0 (AtlasOverlayRenderer, 1);
  GPtrArray *groups = atlas_overlays_get_groups (overlays);

  atlas_painter_init (&self->parent, &overlay_painter_class, FALSE);
  self->overlays = g_object_ref (overlays);
  self->visibility = atlas_visibility_ref (visibility);
  g_mutex_init (&self->lock);
  for (guint k = 0; k < ATLAS_N_OVERLAY_KINDS; k++)
    self->passes[k] = g_ptr_array_new ();
  self->labels = g_array_new (FALSE, TRUE, sizeof (AtlasLabel));
  g_array_set_clear_func (self->labels, clear_label);

  /* groups in their order, layers and features in file order */
  for (guint g = 0; g < groups->len; g++)
    {
      AtlasOverlayGroup *group = g_ptr_array_index (groups, g);

      for (guint l = 0; l < group->layers->len; l++)
        {
          AtlasOverlayLayer *layer = g_ptr_array_index (group->layers, l);

          if (!atlas_visibility_layer_visible (visibility, layer)
              || atlas_visibility_layer_opacity (visibility, layer) <= 0)
            continue;
          for (guint i = 0; i < layer->features->len; i++)
            {
              AtlasOverlayFeature *f = g_ptr_array_index (layer->features, i);

              if (!atlas_visibility_feature_hidden (visibility, f))
                g_ptr_array_add (self->passes[pass_for_feature (f)], f);
            }
        }
    }
  g_ptr_array_sort (self->passes[ATLAS_OVERLAY_ZONE], compare_by_area_desc);
  self->inner = find_inner_circles (self->passes[ATLAS_OVERLAY_ZONE]);
  self->reserved = g_array_new (FALSE, FALSE, sizeof (AtlasRect));
  build_labels (self);

  return self;
}

AtlasPainter *
atlas_overlay_renderer_as_painter (AtlasOverlayRenderer *self)
{
  return &self->parent;
}

void
atlas_overlay_renderer_unref (AtlasOverlayRenderer *self)
{
  atlas_painter_unref (&self->parent);
}

/**
 * atlas_overlay_draw_highlight:
 * @selected: the selection (strong) rather than the hover (light)
 *
 * Outlines one feature on top of everything, drawn every frame.
 */
void
atlas_overlay_draw_highlight (cairo_t                   *cr,
                              const AtlasOverlayFeature *f,
                              const AtlasViewport       *vp,
                              gboolean                   selected)
{
  const AtlasColor accent = selected ? (AtlasColor) { 0.10, 0.37, 0.71, 1 }
                                     : (AtlasColor) { 0.95, 0.55, 0.10, 1 };

  atlas_overlay_draw_highlight_color (cr, f, vp, selected, &accent);
}

/* The same in a colour of the caller's, e.g. the desktop's selection colour. */
void
atlas_overlay_draw_highlight_color (cairo_t                   *cr,
                                    const AtlasOverlayFeature *f,
                                    const AtlasViewport       *vp,
                                    gboolean                   selected,
                                    const AtlasColor          *color)
{
  const AtlasColor accent = *color;
  double scale = ATLAS_TILE_SIZE * pow (2, vp->zoom);
  double width = selected ? 3.0 : 2.5;

  cairo_save (cr);
  cairo_new_path (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  switch (f->shape)
    {
    case ATLAS_SHAPE_POLYGON:
      {
        /* Drawn every frame, so kept cheap: the outline only (a fill of a
         * zone that covers the screen costs a full-window blend), from the
         * next coarser band (about a pixel off at most). */
        const AtlasGeomLayer *g = band_geom (f->geom, MAX (vp->zoom - 2, 0));
        AtlasPathClip clip;

        atlas_path_clip_init (&clip, vp, 16.0);
        if (g->n_features > 0)
          atlas_path_add_feature (cr, g, &g->features[0], vp, &clip, TRUE);
        break;
      }
    case ATLAS_SHAPE_LINE:
      atlas_overlay_draw_feature_path (cr, f, vp);
      if (pass_for_feature (f) == ATLAS_OVERLAY_BAND)
        width = MAX (width, atlas_overlay_band_width_px (f, vp->zoom) * 0.5);
      else
        width = MAX (width, f->style->stroke_width + 2);
      break;
    case ATLAS_SHAPE_POINT:
    default:
      cairo_arc (cr, (f->anchor.x - vp->origin_x) * scale, (f->anchor.y - vp->origin_y) * scale,
                 f->style->symbol_size / 2 + 4, 0, 2 * G_PI);
      break;
    }

  cairo_set_source_rgba (cr, accent.r, accent.g, accent.b, accent.a);
  cairo_set_line_width (cr, width);
  cairo_set_tolerance (cr, 0.5);
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_FAST);
  cairo_stroke (cr);
  cairo_restore (cr);
}

void
atlas_overlay_draw_swatch (cairo_t                 *cr,
                           const AtlasOverlayStyle *s,
                           AtlasOverlayKind         kind,
                           gboolean                 schematic,
                           double                   w,
                           double                   h)
{
  AtlasViewport vp = { 10, 0, 0, w, h };

  cairo_save (cr);
  switch (kind)
    {
    case ATLAS_OVERLAY_ZONE:
      cairo_rectangle (cr, 1.5, 2.5, w - 3, h - 5);
      if (s->has_fill)
        {
          set_colour (cr, &s->fill);
          cairo_fill_preserve (cr);
        }
      if (s->hatch != ATLAS_HATCH_NONE)
        {
          cairo_path_t *path = cairo_copy_path (cr);

          draw_hatch (cr, s->hatch, s->has_stroke ? &s->stroke : &s->fill, &vp,
                      s->hatch == ATLAS_HATCH_TREES ? 9 : 5);
          cairo_append_path (cr, path);
          cairo_path_destroy (path);
        }
      if (s->has_stroke)
        {
          set_colour (cr, &s->stroke);
          cairo_set_line_width (cr, MIN (s->stroke_width, 2.5));
          apply_dash (cr, s, schematic);
          if (s->has_dash || schematic)
            cairo_set_dash (cr, (double[]) { 3, 2 }, 2, 0);
          cairo_stroke (cr);
        }
      break;

    case ATLAS_OVERLAY_BAND:
    case ATLAS_OVERLAY_LINE:
      {
        AtlasColor soft = s->has_fill ? s->fill : (AtlasColor) { s->stroke.r, s->stroke.g, s->stroke.b, 0.3 };
        double end = s->arrow ? w - 4 - h * 0.5 : w - 4;

        cairo_set_line_cap (cr, s->has_stroke && kind == ATLAS_OVERLAY_BAND ? CAIRO_LINE_CAP_BUTT
                                                                           : CAIRO_LINE_CAP_ROUND);
        cairo_move_to (cr, 4, h / 2);
        cairo_line_to (cr, end, h / 2);
        if (kind == ATLAS_OVERLAY_BAND)
          {
            set_colour (cr, &soft);
            /* belts are wider than corridors in the legend as on the map */
            cairo_set_line_width (cr, h * (s->has_stroke ? 0.6 : 0.85));
            cairo_stroke_preserve (cr);
          }
        if (s->has_stroke || kind == ATLAS_OVERLAY_LINE)
          {
            set_colour (cr, s->has_stroke ? &s->stroke : &s->fill);
            cairo_set_line_width (cr, CLAMP (s->stroke_width, 1, 3));
            apply_dash (cr, s, schematic);
            if (s->n_dash == 4)
              cairo_set_dash (cr, (double[]) { 6, 2, 1.5, 2 }, 4, 0);
            else if (s->has_dash || schematic)
              cairo_set_dash (cr, (double[]) { 3, 2 }, 2, 0);
            cairo_stroke (cr);
          }
        cairo_new_path (cr);
        cairo_set_dash (cr, NULL, 0, 0);
        if (s->arrow)
          {
            const AtlasColor *c = s->has_stroke ? &s->stroke : &s->fill;
            double a = h * 0.5;

            cairo_set_source_rgba (cr, c->r, c->g, c->b, 0.85);
            cairo_move_to (cr, w - 2, h / 2);
            cairo_line_to (cr, w - 2 - a * 1.3, h / 2 - a);
            cairo_line_to (cr, w - 2 - a * 1.3, h / 2 + a);
            cairo_close_path (cr);
            cairo_fill (cr);
          }
        break;
      }

    case ATLAS_OVERLAY_POINT:
    case ATLAS_OVERLAY_LABEL:
    default:
      draw_symbol_at (cr, s, w / 2, h / 2, MIN (MIN (w, h) - 2, s->symbol_size));
      break;
    }
  cairo_restore (cr);
}
