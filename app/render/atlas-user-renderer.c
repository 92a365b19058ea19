/* atlas-user-renderer.c — draws users' own layers (the "My data" group) */

#include "config.h"

#include "atlas-user-renderer.h"

#include <geos_c.h>
#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "atlas-paint.h"

#define MANY_POINTS 5000

struct _AtlasUserRenderer
{
  AtlasPainter         painter;
  GArray              *styles;   /* AtlasUserLayerStyle */
};

typedef struct
{
  cairo_t             *cr;
  GEOSContextHandle_t  ctx;
  double               ox, oy, scale;
  gboolean             squares;   /* many points: small squares, one fill */
  guint8              *seen;      /* squares: 2 px cells already drawn */
  int                  seen_w, seen_h;
} Draw;

static const AtlasColor palette[] = {
  { 0.85, 0.16, 0.55, 1 },   /* magenta */
  { 0.10, 0.45, 0.85, 1 },   /* blue */
  { 0.95, 0.50, 0.05, 1 },   /* orange */
  { 0.10, 0.60, 0.35, 1 },   /* green */
  { 0.50, 0.25, 0.80, 1 },   /* purple */
  { 0.70, 0.20, 0.15, 1 },   /* brick */
};

void
atlas_user_color_for_index (guint       i,
                            AtlasColor *colour)
{
  *colour = palette[i % G_N_ELEMENTS (palette)];
}

static void
project (const Draw *d,
         double      lon,
         double      lat,
         double     *x,
         double     *y)
{
  *x = (atlas_geo_lon_to_world_x (lon) - d->ox) * d->scale;
  *y = (atlas_geo_lat_to_world_y (lat) - d->oy) * d->scale;
}

static void
path_sequence (const Draw               *d,
               const GEOSCoordSequence  *seq,
               gboolean                  close)
{
  unsigned int n = 0;

  GEOSCoordSeq_getSize_r (d->ctx, seq, &n);
  for (unsigned int i = 0; i < n; i++)
    {
      double lon, lat, x, y;

      GEOSCoordSeq_getXY_r (d->ctx, seq, i, &lon, &lat);
      project (d, lon, lat, &x, &y);
      if (i == 0)
        cairo_move_to (d->cr, x, y);
      else
        cairo_line_to (d->cr, x, y);
    }
  if (close && n > 0)
    cairo_close_path (d->cr);
}

static void
draw_point (const Draw *d,
            double      x,
            double      y)
{
  if (d->squares)
    {
      int cx = (int) floor (x / 2) + 4, cy = (int) floor (y / 2) + 4;

      if (cx >= 0 && cy >= 0 && cx < d->seen_w && cy < d->seen_h)
        {
          if (d->seen[cy * d->seen_w + cx])
            return;
          d->seen[cy * d->seen_w + cx] = 1;
        }
      /* on whole pixels: cairo fills aligned boxes much faster */
      cairo_rectangle (d->cr, floor (x) - 1, floor (y) - 1, 3, 3);
    }
  else
    {
      cairo_new_sub_path (d->cr);
      cairo_arc (d->cr, x, y, 4, 0, 2 * G_PI);
    }
}

/* Adds the geometry to the path: polygons and lines; points are drawn at once. */
static void
draw_geometry (const Draw         *d,
               const GEOSGeometry *g,
               const AtlasColor   *c)
{
  int type = GEOSGeomTypeId_r (d->ctx, g);

  switch (type)
    {
    case GEOS_POINT:
      {
        double lon, lat, x, y;

        GEOSGeomGetX_r (d->ctx, g, &lon);
        GEOSGeomGetY_r (d->ctx, g, &lat);
        project (d, lon, lat, &x, &y);
        draw_point (d, x, y);
        break;
      }
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
      path_sequence (d, GEOSGeom_getCoordSeq_r (d->ctx, g), FALSE);
      break;
    case GEOS_POLYGON:
      path_sequence (d, GEOSGeom_getCoordSeq_r (d->ctx, GEOSGetExteriorRing_r (d->ctx, g)), TRUE);
      for (int i = 0; i < GEOSGetNumInteriorRings_r (d->ctx, g); i++)
        path_sequence (d, GEOSGeom_getCoordSeq_r (d->ctx, GEOSGetInteriorRingN_r (d->ctx, g, i)), TRUE);
      break;
    default:
      for (int i = 0; i < GEOSGetNumGeometries_r (d->ctx, g); i++)
        draw_geometry (d, GEOSGetGeometryN_r (d->ctx, g, i), c);
      break;
    }
}

static void
stroke_and_fill (const Draw       *d,
                 AtlasUserShape    shape,
                 const AtlasColor *c)
{
  cairo_t *cr = d->cr;

  /* holes in polygons; points that overlap one another do not cancel out */
  cairo_set_fill_rule (cr, shape == ATLAS_USER_POLYGON ? CAIRO_FILL_RULE_EVEN_ODD : CAIRO_FILL_RULE_WINDING);
  if (shape == ATLAS_USER_POLYGON)
    {
      cairo_set_source_rgba (cr, c->r, c->g, c->b, 0.22);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, c->r, c->g, c->b);
      cairo_set_line_width (cr, 1.8);
      cairo_stroke (cr);
    }
  else if (shape == ATLAS_USER_LINE)
    {
      cairo_set_source_rgb (cr, c->r, c->g, c->b);
      cairo_set_line_width (cr, 2.4);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      cairo_stroke (cr);
    }
  else
    {
      cairo_set_source_rgb (cr, c->r, c->g, c->b);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_set_line_width (cr, d->squares ? 0.0 : 1.2);
      if (d->squares)
        cairo_new_path (cr);
      else
        cairo_stroke (cr);
    }
}

/* ---- labels ----
 *
 * The shared label engine places the plan's labels; the user's own get a
 * collision set of their own that gives every tile the same answer, so that
 * a label across a tile edge is drawn whole or not at all. The map at this
 * zoom is cut into cells of LABEL_CELL_W × LABEL_CELL_H pixels; a cell's
 * candidate is its first feature in the file (with a text); a candidate is
 * shown unless a candidate of an earlier feature in a nearby cell overlaps
 * it. Both depend on the cells around a label only, never on the tile. */

#define LABEL_CELL_W 96
#define LABEL_CELL_H 24
#define LABEL_MAX_W 200   /* longer texts are ellipsized */
#define LABEL_PAD 2
#define LABEL_REACH_X 3   /* cells: (LABEL_MAX_W + 6 + 2 * LABEL_PAD) / LABEL_CELL_W, rounded up */
#define LABEL_REACH_Y 1   /* a line of 12 px text and its halo fits in LABEL_CELL_H */

typedef struct
{
  guint        index;     /* in the layer */
  double       ax, ay;    /* anchor, world pixels at this zoom */
  gboolean     point;
  PangoLayout *layout;    /* lazily */
  AtlasRect    box;       /* world pixels, with the halo's padding */
} Candidate;

static void
candidate_free (Candidate *c)
{
  g_clear_object (&c->layout);
  g_free (c);
}

static gint64
cell_key (gint64 cx,
          gint64 cy)
{
  return (cx << 32) ^ (cy & 0xffffffff);
}

static Candidate *
candidate_at (GHashTable                *cells,
              gint64                     cx,
              gint64                     cy,
              const AtlasUserLayerStyle *s,
              const AtlasUserLayer      *layer)
{
  gint64 key = cell_key (cx, cy);
  Candidate *c = g_hash_table_lookup (cells, &key);

  if (c != NULL && c->layout == NULL)
    {
      const AtlasUserFeature *f = g_ptr_array_index (layer->features, c->index);
      int w, h;

      c->layout = atlas_text_layout_new (f->values[s->label_field], "12px");
      pango_layout_set_single_paragraph_mode (c->layout, TRUE);
      pango_layout_set_width (c->layout, LABEL_MAX_W * PANGO_SCALE);
      pango_layout_set_ellipsize (c->layout, PANGO_ELLIPSIZE_END);
      pango_layout_get_pixel_size (c->layout, &w, &h);
      c->box.x0 = c->ax + (c->point ? 6 : 0) - LABEL_PAD;
      c->box.y0 = c->ay - 8 - LABEL_PAD;
      c->box.x1 = c->box.x0 + w + 2 * LABEL_PAD;
      c->box.y1 = c->box.y0 + h + 2 * LABEL_PAD;
    }
  return c;
}

typedef struct
{
  GHashTable                *cells;
  const AtlasUserLayerStyle *s;
  const AtlasRect           *scan;
  double                     scale;
} Scan;

/* a cell's candidate is its feature that comes first in the file */
static void
scan_cb (const AtlasUserFeature *f,
         guint                   i,
         gpointer                user_data)
{
  Scan *sc = user_data;
  double x = (f->bbox.x0 + f->bbox.x1) / 2, y = (f->bbox.y0 + f->bbox.y1) / 2;
  gint64 key;
  Candidate *c;

  if (x < sc->scan->x0 || x >= sc->scan->x1 || y < sc->scan->y0 || y >= sc->scan->y1
      || *f->values[sc->s->label_field] == '\0')
    return;
  key = cell_key ((gint64) floor (x * sc->scale / LABEL_CELL_W), (gint64) floor (y * sc->scale / LABEL_CELL_H));
  c = g_hash_table_lookup (sc->cells, &key);
  if (c != NULL && c->index < i)
    return;
  if (c == NULL)
    {
      c = g_new0 (Candidate, 1);
      g_hash_table_insert (sc->cells, g_memdup2 (&key, sizeof key), c);
    }
  c->index = i;
  c->ax = x * sc->scale;
  c->ay = y * sc->scale;
  c->point = f->shape == ATLAS_USER_POINT;
}

static gboolean
boxes_overlap (const AtlasRect *a,
               const AtlasRect *b)
{
  return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/* The layer's labels that touch the viewport, in world pixels at its zoom:
 * an array of AtlasUserLabel. */
static GArray *
place_labels (const AtlasUserLayerStyle *s,
              const AtlasUserLayer      *layer,
              const AtlasViewport       *vp,
              double                     scale)
{
  GArray *placed = g_array_new (FALSE, FALSE, sizeof (AtlasUserLabel));
  g_autoptr(GHashTable) cells = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                       (GDestroyNotify) candidate_free);
  gint64 cx0 = (gint64) floor (vp->origin_x * scale / LABEL_CELL_W) - LABEL_REACH_X;
  gint64 cx1 = (gint64) floor ((vp->origin_x * scale + vp->width) / LABEL_CELL_W);
  gint64 cy0 = (gint64) floor (vp->origin_y * scale / LABEL_CELL_H) - LABEL_REACH_Y;
  gint64 cy1 = (gint64) floor ((vp->origin_y * scale + vp->height) / LABEL_CELL_H) + LABEL_REACH_Y;
  /* the candidates of these cells and of their neighbours */
  AtlasRect scan = { (double) (cx0 - LABEL_REACH_X) * LABEL_CELL_W / scale,
                     (double) (cy0 - LABEL_REACH_Y) * LABEL_CELL_H / scale,
                     (double) (cx1 + LABEL_REACH_X + 1) * LABEL_CELL_W / scale,
                     (double) (cy1 + LABEL_REACH_Y + 1) * LABEL_CELL_H / scale };

  {
    Scan sc = { cells, s, &scan, scale };

    atlas_user_layer_foreach_in (layer, &scan, scan_cb, &sc);
  }

  for (gint64 cy = cy0; cy <= cy1; cy++)
    for (gint64 cx = cx0; cx <= cx1; cx++)
      {
        Candidate *c = candidate_at (cells, cx, cy, s, layer);
        gboolean shown = c != NULL;
        AtlasUserLabel label;

        for (gint64 dy = -LABEL_REACH_Y; shown && dy <= LABEL_REACH_Y; dy++)
          for (gint64 dx = -LABEL_REACH_X; shown && dx <= LABEL_REACH_X; dx++)
            {
              Candidate *n = dx == 0 && dy == 0 ? NULL : candidate_at (cells, cx + dx, cy + dy, s, layer);

              shown = n == NULL || n->index > c->index || !boxes_overlap (&n->box, &c->box);
            }
        if (!shown || c->box.x1 < vp->origin_x * scale || c->box.x0 > vp->origin_x * scale + vp->width
            || c->box.y1 < vp->origin_y * scale || c->box.y0 > vp->origin_y * scale + vp->height)
          continue;
        label.feature = c->index;
        label.box = c->box;
        label.layout = g_object_ref (c->layout);
        g_array_append_val (placed, label);
      }
  return placed;
}

static void
draw_labels (const Draw                *d,
             const AtlasUserLayerStyle *s,
             const AtlasUserLayer      *layer,
             const AtlasViewport       *vp)
{
  AtlasRgba colour = { s->colour.r * 0.6, s->colour.g * 0.6, s->colour.b * 0.6, 1 };
  g_autoptr(GArray) placed = place_labels (s, layer, vp, d->scale);

  for (guint i = 0; i < placed->len; i++)
    {
      AtlasUserLabel *l = &g_array_index (placed, AtlasUserLabel, i);

      atlas_text_draw_halo (d->cr, l->layout, l->box.x0 + LABEL_PAD - d->ox * d->scale,
                            l->box.y0 + LABEL_PAD - d->oy * d->scale, &colour, 3);
      g_object_unref (l->layout);
    }
}

static void
collect_cb (const AtlasUserFeature *f,
            guint                   index,
            gpointer                user_data)
{
  g_array_append_val ((GArray *) user_data, index);
}

static void
draw_layer (const Draw                *d,
            const AtlasUserLayerStyle *s,
            const AtlasViewport       *vp)
{
  const AtlasUserLayer *layer = g_ptr_array_index (s->data->layers, s->layer);
  double margin = 8 / d->scale;
  AtlasRect view = { vp->origin_x - margin, vp->origin_y - margin,
                     vp->origin_x + vp->width / d->scale + margin,
                     vp->origin_y + vp->height / d->scale + margin };
  Draw dd = *d;
  GArray *in_view;

  if (!atlas_rect_intersects (&layer->bbox, &view) && s->label_field < 0)
    return;
  dd.squares = layer->features->len > MANY_POINTS && vp->zoom < 11;
  if (s->opacity < 1)
    cairo_push_group (d->cr);

  /* the features in view, from the layer's grid */
  in_view = g_array_new (FALSE, FALSE, sizeof (guint));
  atlas_user_layer_foreach_in (layer, &view, collect_cb, in_view);
  if (dd.squares)
    {
      /* many points: one square per 2 px cell of the viewport is enough */
      dd.seen_w = (int) ceil (vp->width / 2) + 8;
      dd.seen_h = (int) ceil (vp->height / 2) + 8;
      dd.seen = g_malloc0 ((gsize) dd.seen_w * dd.seen_h);
    }

  /* one path per shape kind: fill once for many features */
  for (AtlasUserShape shape = ATLAS_USER_POLYGON; ; shape = shape == ATLAS_USER_POLYGON ? ATLAS_USER_LINE : ATLAS_USER_POINT)
    {
      guint in_path = 0;

      for (guint k = 0; k < in_view->len; k++)
        {
          const AtlasUserFeature *f = g_ptr_array_index (layer->features, g_array_index (in_view, guint, k));
          AtlasUserShape fs = f->shape == ATLAS_USER_MIXED ? ATLAS_USER_POLYGON : f->shape;

          if (fs != shape)
            continue;
          if (fs == ATLAS_USER_POINT && f->bbox.x0 == f->bbox.x1 && f->bbox.y0 == f->bbox.y1)
            draw_point (&dd, (f->bbox.x0 - dd.ox) * dd.scale, (f->bbox.y0 - dd.oy) * dd.scale);   /* a single point */
          else
            draw_geometry (&dd, f->geos, &s->colour);
          if (++in_path >= 2000)
            {
              stroke_and_fill (&dd, shape, &s->colour);
              in_path = 0;
            }
        }
      if (in_path > 0)
        stroke_and_fill (&dd, shape, &s->colour);
      if (shape == ATLAS_USER_POINT)
        break;
    }
  g_array_unref (in_view);
  g_free (dd.seen);
  if (s->label_field >= 0 && s->label_field < (int) g_strv_length (layer->fields) && vp->zoom >= 8)
    draw_labels (&dd, s, layer, vp);

  if (s->opacity < 1)
    {
      cairo_pop_group_to_source (d->cr);
      cairo_paint_with_alpha (d->cr, s->opacity);
    }
}

static void
user_draw (AtlasPainter        *painter,
           cairo_t             *cr,
           const AtlasViewport *vp)
{
  AtlasUserRenderer *self = (AtlasUserRenderer *) painter;
  Draw d = { cr, GEOS_init_r (), vp->origin_x, vp->origin_y, ATLAS_TILE_SIZE * pow (2, vp->zoom), FALSE, NULL, 0, 0 };

  cairo_save (cr);
  for (guint i = 0; i < self->styles->len; i++)
    {
      const AtlasUserLayerStyle *s = &g_array_index (self->styles, AtlasUserLayerStyle, i);

      if (s->visible && s->opacity > 0)
        draw_layer (&d, s, vp);
    }
  cairo_restore (cr);
  GEOS_finish_r (d.ctx);
}

static void
user_finalize (AtlasPainter *painter)
{
  AtlasUserRenderer *self = (AtlasUserRenderer *) painter;

  for (guint i = 0; i < self->styles->len; i++)
    atlas_user_data_free (g_array_index (self->styles, AtlasUserLayerStyle, i).data);
  g_array_unref (self->styles);
  g_free (self);
}

static const AtlasPainterClass user_class = { user_draw, user_finalize };

AtlasUserRenderer *
atlas_user_renderer_new (const AtlasUserLayerStyle *styles,
                         guint                      n_styles)
{
  AtlasUserRenderer *self = g_new0 (AtlasUserRenderer, 1);

  atlas_painter_init (&self->painter, &user_class, FALSE);
  self->styles = g_array_sized_new (FALSE, FALSE, sizeof (AtlasUserLayerStyle), n_styles);
  for (guint i = 0; i < n_styles; i++)
    {
      AtlasUserLayerStyle s = styles[i];

      g_return_val_if_fail (s.layer < s.data->layers->len, self);
      s.data = atlas_user_data_ref (s.data);
      s.opacity = CLAMP (s.opacity, 0, 1);
      g_array_append_val (self->styles, s);
    }
  return self;
}

AtlasUserRenderer *
atlas_user_renderer_ref (AtlasUserRenderer *self)
{
  atlas_painter_ref (&self->painter);
  return self;
}

void
atlas_user_renderer_unref (AtlasUserRenderer *self)
{
  if (self != NULL)
    atlas_painter_unref (&self->painter);
}

AtlasPainter *
atlas_user_renderer_as_painter (AtlasUserRenderer *self)
{
  return &self->painter;
}

guint
atlas_user_renderer_n_visible (AtlasUserRenderer *self)
{
  guint n = 0;

  for (guint i = 0; i < self->styles->len; i++)
    n += g_array_index (self->styles, AtlasUserLayerStyle, i).visible;
  return n;
}

/**
 * atlas_user_renderer_place_labels:
 * @layer: index of the style
 *
 * The labels drawn for a style's layer in @viewport (what each tile and
 * export draws), their boxes in world pixels at the viewport's zoom.
 *
 * Returns: (transfer full): an array of AtlasUserLabel; free their layouts
 */
GArray *
atlas_user_renderer_place_labels (AtlasUserRenderer   *self,
                                  guint                layer,
                                  const AtlasViewport *viewport)
{
  const AtlasUserLayerStyle *s = &g_array_index (self->styles, AtlasUserLayerStyle, layer);

  if (s->label_field < 0 || s->label_field >= (int) g_strv_length (((AtlasUserLayer *) g_ptr_array_index (s->data->layers, s->layer))->fields))
    return g_array_new (FALSE, FALSE, sizeof (AtlasUserLabel));
  return place_labels (s, g_ptr_array_index (s->data->layers, s->layer), viewport,
                       ATLAS_TILE_SIZE * pow (2, viewport->zoom));
}

/* The legend's "My data" part: one swatch and the layer's own name per
 * visible layer. Returns the height used. */
double
atlas_user_renderer_draw_legend (AtlasUserRenderer *self,
                                 cairo_t           *cr,
                                 double             x,
                                 double             y0,
                                 double             width,
                                 double             unit)
{
  double y = y0, sw = unit * 2.4, sh = unit * 1.4;
  AtlasRgba title = { 0.3, 0.3, 0.33, 1 }, text = { 0.15, 0.15, 0.18, 1 };
  g_autofree char *font_title = g_strdup_printf ("Bold %.2fpx", unit * 1.0);
  g_autofree char *font = g_strdup_printf ("%.2fpx", unit * 0.95);

  if (atlas_user_renderer_n_visible (self) == 0)
    return 0;
  {
    g_autoptr(PangoLayout) layout = atlas_text_layout_new (_("我的数据 My data"), font_title);
    int w, h;

    pango_layout_get_size (layout, &w, &h);
    cairo_move_to (cr, x, y + unit * 0.3);
    atlas_rgba_set (cr, &title);
    pango_cairo_show_layout (cr, layout);
    atlas_text_record (cr, layout, x, y + unit * 0.3);
    y += unit * 0.3 + (double) h / PANGO_SCALE + unit * 0.5;
  }
  for (guint i = 0; i < self->styles->len; i++)
    {
      const AtlasUserLayerStyle *s = &g_array_index (self->styles, AtlasUserLayerStyle, i);
      const AtlasUserLayer *layer;
      g_autoptr(PangoLayout) layout = NULL;
      g_autofree char *name = NULL, *file = NULL;
      int w, h;

      if (!s->visible)
        continue;
      layer = g_ptr_array_index (s->data->layers, s->layer);
      cairo_save (cr);
      cairo_set_source_rgb (cr, s->colour.r, s->colour.g, s->colour.b);
      if (layer->shape == ATLAS_USER_POINT)
        cairo_arc (cr, x + sw / 2, y + sh / 2, sh * 0.3, 0, 2 * G_PI);
      else if (layer->shape == ATLAS_USER_LINE)
        {
          cairo_move_to (cr, x, y + sh / 2);
          cairo_line_to (cr, x + sw, y + sh / 2);
          cairo_set_line_width (cr, 2);
          cairo_stroke (cr);
        }
      else
        {
          cairo_rectangle (cr, x, y, sw, sh);
          cairo_set_source_rgba (cr, s->colour.r, s->colour.g, s->colour.b, 0.3);
          cairo_fill_preserve (cr);
          cairo_set_source_rgb (cr, s->colour.r, s->colour.g, s->colour.b);
          cairo_set_line_width (cr, 1.2);
          cairo_stroke (cr);
        }
      cairo_fill (cr);
      cairo_restore (cr);
      file = g_path_get_basename (layer->file);
      name = g_strdup_printf ("%s (%s, %u)", layer->name, file, layer->features->len);
      layout = atlas_text_layout_new (name, font);
      pango_layout_set_width (layout, (int) ((width - sw - unit * 0.6) * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_get_size (layout, &w, &h);
      cairo_move_to (cr, x + sw + unit * 0.6, y);
      atlas_rgba_set (cr, &text);
      pango_cairo_show_layout (cr, layout);
      atlas_text_record (cr, layout, x + sw + unit * 0.6, y);
      y += MAX ((double) h / PANGO_SCALE, sh) + unit * 0.35;
    }
  return y - y0;
}
