/* atlas-paint.c — painting helpers shared by the base map and the overlays */



#include "atlas-paint.h"

#include <math.h>
#include <string.h>
#include <pango/pangocairo.h>

#define FONT_FAMILY "Noto Sans CJK SC, Noto Sans, sans-serif"

void
atlas_rgba_set (cairo_t         *cr,
                const AtlasRgba *c)
{
  cairo_set_source_rgba (cr, c->r, c->g, c->b, c->a);
}

void
atlas_path_clip_init (AtlasPathClip       *clip,
                      const AtlasViewport *vp,
                      double               margin_px)
{
  double scale = ATLAS_TILE_SIZE * pow (2.0, vp->zoom);

  clip->scale = scale;
  clip->origin_x = vp->origin_x;
  clip->origin_y = vp->origin_y;
  clip->px_x0 = -margin_px;
  clip->px_y0 = -margin_px;
  clip->px_x1 = vp->width + margin_px;
  clip->px_y1 = vp->height + margin_px;
  clip->world.x0 = vp->origin_x - margin_px / scale;
  clip->world.y0 = vp->origin_y - margin_px / scale;
  clip->world.x1 = vp->origin_x + (vp->width + margin_px) / scale;
  clip->world.y1 = vp->origin_y + (vp->height + margin_px) / scale;
}

static inline guint
outcode (const AtlasPathClip *clip,
         double               x,
         double               y)
{
  return (x < clip->px_x0) | (x > clip->px_x1) << 1 | (y < clip->px_y0) << 2
         | (y > clip->px_y1) << 3;
}

/* Adds a ring or polyline to the current path, in viewport pixels. A vertex
 * whose two neighbours lie outside the clip box on the same side as itself
 * is dropped: the triangle it spans lies wholly outside that side, so what
 * is drawn inside the box does not change. Consecutive vertices closer
 * than a tenth of a pixel are merged. */
void
atlas_path_add_points (cairo_t             *cr,
                       const AtlasPoint    *pts,
                       guint                n,
                       const AtlasPathClip *clip,
                       gboolean             close)
{
  double px, py, cx, cy;
  guint pc, cc;

  if (n < 2)
    return;

  px = (pts[0].x - clip->origin_x) * clip->scale;
  py = (pts[0].y - clip->origin_y) * clip->scale;
  pc = outcode (clip, px, py);
  cairo_move_to (cr, px, py);

  cx = (pts[1].x - clip->origin_x) * clip->scale;
  cy = (pts[1].y - clip->origin_y) * clip->scale;
  cc = outcode (clip, cx, cy);

  for (guint i = 2; i < n; i++)
    {
      double nx = (pts[i].x - clip->origin_x) * clip->scale;
      double ny = (pts[i].y - clip->origin_y) * clip->scale;
      guint nc = outcode (clip, nx, ny);

      if ((pc & cc & nc) == 0 && (fabs (cx - px) + fabs (cy - py)) > 0.1)
        {
          cairo_line_to (cr, cx, cy);
          px = cx;
          py = cy;
          pc = cc;
        }
      cx = nx;
      cy = ny;
      cc = nc;
    }

  cairo_line_to (cr, cx, cy);
  if (close)
    cairo_close_path (cr);
}

void
atlas_path_add_feature (cairo_t              *cr,
                        const AtlasGeomLayer *layer,
                        const AtlasFeature   *f,
                        const AtlasViewport  *vp,
                        const AtlasPathClip  *clip,
                        gboolean              close)
{
  (void) vp;

  for (guint p = 0; p < f->n_parts; p++)
    {
      const AtlasPart *part = &layer->parts[f->first_part + p];

      if (atlas_rect_intersects (&part->bbox, &clip->world))
        atlas_path_add_points (cr, &layer->points[part->first_point], part->n_points, clip, close);
    }
}

/* Strokes @pts as dashes whose phase depends only on the distance along
 * the line from its first point, so that dashes line up across tiles:
 * each run of segments that touches the clip box is stroked on its own,
 * with the dash offset of the distance at which it starts. Expects the
 * dash pattern set on @cr. */
static void
stroke_dashed_points (cairo_t             *cr,
                      const AtlasPoint    *pts,
                      guint                n,
                      const AtlasPathClip *clip,
                      gboolean             close)
{
  int n_dash = cairo_get_dash_count (cr);
  double dashes[8], offset, along = 0;
  gboolean in_run = FALSE;
  guint n_segments = close ? n : n - 1;

  if (n < 2 || n_dash > 8)
    return;
  cairo_get_dash (cr, dashes, &offset);

  for (guint i = 0; i < n_segments; i++)
    {
      const AtlasPoint *a = &pts[i], *b = &pts[(i + 1) % n];
      double ax = (a->x - clip->origin_x) * clip->scale, ay = (a->y - clip->origin_y) * clip->scale;
      double bx = (b->x - clip->origin_x) * clip->scale, by = (b->y - clip->origin_y) * clip->scale;
      gboolean visible = !(MAX (ax, bx) < clip->px_x0 || MIN (ax, bx) > clip->px_x1
                           || MAX (ay, by) < clip->px_y0 || MIN (ay, by) > clip->px_y1);

      if (visible && !in_run)
        {
          cairo_set_dash (cr, dashes, n_dash, along);
          cairo_move_to (cr, ax, ay);
          in_run = TRUE;
        }
      if (visible)
        cairo_line_to (cr, bx, by);
      else if (in_run)
        {
          cairo_stroke (cr);
          in_run = FALSE;
        }
      along += sqrt ((bx - ax) * (bx - ax) + (by - ay) * (by - ay));   /* hypot() is several times slower */
    }
  if (in_run)
    cairo_stroke (cr);
  cairo_set_dash (cr, dashes, n_dash, offset);
}

/**
 * atlas_stroke_feature:
 *
 * Strokes a feature's lines or rings with the current source, width and
 * dash of @cr; dashed strokes keep their phase across tiles.
 */
void
atlas_stroke_feature (cairo_t              *cr,
                      const AtlasGeomLayer *layer,
                      const AtlasFeature   *f,
                      const AtlasPathClip  *clip,
                      gboolean              close)
{
  if (cairo_get_dash_count (cr) == 0)
    {
      cairo_new_path (cr);
      atlas_path_add_feature (cr, layer, f, NULL, clip, close);
      cairo_stroke (cr);
      return;
    }

  cairo_new_path (cr);
  for (guint p = 0; p < f->n_parts; p++)
    {
      const AtlasPart *part = &layer->parts[f->first_part + p];

      if (atlas_rect_intersects (&part->bbox, &clip->world))
        stroke_dashed_points (cr, &layer->points[part->first_point], part->n_points, clip, close);
    }
}

/* Text */

typedef struct
{
  AtlasTextRecorder recorder;
  gpointer          user_data;
} Recorder;

static const cairo_user_data_key_t recorder_key;

void
atlas_text_set_recorder (cairo_t           *cr,
                         AtlasTextRecorder  recorder,
                         gpointer           user_data)
{
  Recorder *r = g_new (Recorder, 1);

  r->recorder = recorder;
  r->user_data = user_data;
  cairo_set_user_data (cr, &recorder_key, r, g_free);
}

/* Tells the recorder, if any, of a layout drawn with its top-left at
 * (x, y) in user space. */
void
atlas_text_record (cairo_t     *cr,
                   PangoLayout *layout,
                   double       x,
                   double       y)
{
  Recorder *r = cairo_get_user_data (cr, &recorder_key);
  const PangoFontDescription *desc;
  PangoLayoutIter *iter;
  double size, dx, dy, one = 1, zero = 0;

  if (r == NULL)
    return;

  desc = pango_layout_get_font_description (layout);
  size = desc != NULL ? pango_font_description_get_size (desc) / (double) PANGO_SCALE : 12;
  cairo_user_to_device_distance (cr, &one, &zero);
  size *= hypot (one, zero);

  /* one entry per line, at its baseline */
  iter = pango_layout_get_iter (layout);
  do
    {
      PangoLayoutLine *line = pango_layout_iter_get_line_readonly (iter);
      PangoRectangle logical;
      g_autofree char *text = NULL;

      pango_layout_iter_get_line_extents (iter, NULL, &logical);
      text = g_strndup (pango_layout_get_text (layout) + line->start_index, line->length);
      dx = x + (double) logical.x / PANGO_SCALE;
      dy = y + (double) pango_layout_iter_get_baseline (iter) / PANGO_SCALE;
      cairo_user_to_device (cr, &dx, &dy);
      if (*g_strstrip (text) != '\0')
        r->recorder (r->user_data, text, dx, dy, size);
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
}

static void
free_context (gpointer data)
{
  g_object_unref (data);
}

static GPrivate context_key = G_PRIVATE_INIT (free_context);

/* One Pango context per thread, with hinting off so that text measures the
 * same on screen tiles, at any scale, and in exports. */
static PangoContext *
thread_context (void)
{
  PangoContext *context = g_private_get (&context_key);

  if (context == NULL)
    {
      PangoFontMap *map = pango_cairo_font_map_new ();
      cairo_font_options_t *options = cairo_font_options_create ();

      context = pango_font_map_create_context (map);
      cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
      cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
      pango_cairo_context_set_font_options (context, options);
      pango_context_set_round_glyph_positions (context, FALSE);
      cairo_font_options_destroy (options);
      g_object_unref (map);
      g_private_set (&context_key, context);
    }

  return context;
}

/**
 * atlas_text_layout_new:
 * @font: a Pango font description string without family, e.g. "Bold 12px"
 *
 * Returns: (transfer full): a layout in the map's typeface
 */
PangoLayout *
atlas_text_layout_new (const char *text,
                       const char *font)
{
  PangoLayout *layout = pango_layout_new (thread_context ());
  g_autofree char *desc_string = g_strdup_printf ("%s %s", FONT_FAMILY, font);
  PangoFontDescription *desc = pango_font_description_from_string (desc_string);

  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, text, -1);
  pango_font_description_free (desc);

  return layout;
}

void
atlas_text_draw_halo (cairo_t         *cr,
                      PangoLayout     *layout,
                      double           x,
                      double           y,
                      const AtlasRgba *colour,
                      double           halo_width)
{
  cairo_move_to (cr, x, y);
  pango_cairo_layout_path (cr, layout);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.92);
  cairo_set_line_width (cr, halo_width);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke (cr);

  cairo_move_to (cr, x, y);
  atlas_rgba_set (cr, colour);
  pango_cairo_show_layout (cr, layout);
  atlas_text_record (cr, layout, x, y);
}

/* Labels of the base map */

typedef struct
{
  const char *font;
  AtlasRgba   colour;
  double      halo;
  gboolean    dot;
  double      spacing;    /* letter spacing, pixels */
} LabelStyle;

enum
{
  STYLE_SEA,
  STYLE_PROVINCE_FOCUS,
  STYLE_PROVINCE_CONTEXT,
  STYLE_PREFECTURE,
  STYLE_COUNTY,
  STYLE_PLACE,
  STYLE_OVERLAY_POINT,
  STYLE_OVERLAY_AREA,
  STYLE_RELIEF_MAJOR,
  STYLE_RELIEF_MINOR,
  STYLE_WATER,
  STYLE_STATION,
};

static const LabelStyle label_styles[] = {
  [STYLE_SEA] = { "14px", { 0.30, 0.45, 0.58, 1 }, 0, FALSE },
  [STYLE_PROVINCE_FOCUS] = { "Bold 16px", { 0.30, 0.27, 0.32, 1 }, 3.5, FALSE },
  [STYLE_PROVINCE_CONTEXT] = { "15px", { 0.52, 0.49, 0.54, 1 }, 3, FALSE },
  [STYLE_PREFECTURE] = { "Bold 13px", { 0.20, 0.18, 0.22, 1 }, 3, TRUE },
  [STYLE_COUNTY] = { "11.5px", { 0.36, 0.34, 0.38, 1 }, 2.5, FALSE },
  [STYLE_PLACE] = { "11px", { 0.33, 0.33, 0.36, 1 }, 2.5, TRUE },
  [STYLE_OVERLAY_POINT] = { "Bold 11.5px", { 0.15, 0.15, 0.18, 1 }, 2.5, TRUE },
  [STYLE_OVERLAY_AREA] = { "Bold 12.5px", { 0.15, 0.15, 0.18, 1 }, 3, FALSE },
  /* physical names spaced out over the area they name, as in printed atlases */
  [STYLE_RELIEF_MAJOR] = { "Bold 15px", { 0.45, 0.33, 0.22, 1 }, 2.5, FALSE, 9 },
  [STYLE_RELIEF_MINOR] = { "Bold 12px", { 0.45, 0.33, 0.22, 1 }, 2.5, FALSE, 5 },
  [STYLE_WATER] = { "13px", { 0.24, 0.42, 0.58, 1 }, 0, FALSE, 7 },
  /* stations: their symbol is drawn with the map, the label beside it */
  [STYLE_STATION] = { "10.5px", { 0.24, 0.24, 0.27, 1 }, 2.5, TRUE },
};

static guint
style_for_label (const AtlasLabel *label)
{
  switch (label->kind)
    {
    case ATLAS_LABEL_SEA:
      return STYLE_SEA;
    case ATLAS_LABEL_PROVINCE:
      return (label->code == 110000 || label->code == 120000 || label->code == 130000)
             ? STYLE_PROVINCE_FOCUS : STYLE_PROVINCE_CONTEXT;
    case ATLAS_LABEL_PREFECTURE:
      return STYLE_PREFECTURE;
    case ATLAS_LABEL_COUNTY:
      return STYLE_COUNTY;
    case ATLAS_LABEL_OVERLAY_POINT:
      return STYLE_OVERLAY_POINT;
    case ATLAS_LABEL_OVERLAY_AREA:
      return STYLE_OVERLAY_AREA;
    case ATLAS_LABEL_RELIEF:
      return label->rank <= 2 ? STYLE_RELIEF_MAJOR : STYLE_RELIEF_MINOR;
    case ATLAS_LABEL_WATER:
      return STYLE_WATER;
    case ATLAS_LABEL_STATION:
      return STYLE_STATION;
    case ATLAS_LABEL_PLACE:
    default:
      return STYLE_PLACE;
    }
}

/* Contrast (WCAG relative luminance) */

static double
linear_channel (double c)
{
  return c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

static double
luminance (const AtlasRgba *c)
{
  return 0.2126 * linear_channel (c->r) + 0.7152 * linear_channel (c->g)
         + 0.0722 * linear_channel (c->b);
}

/**
 * atlas_rgba_contrast:
 *
 * Returns: the WCAG contrast ratio of two opaque colours, 1 to 21
 */
double
atlas_rgba_contrast (const AtlasRgba *a,
                     const AtlasRgba *b)
{
  double la = luminance (a), lb = luminance (b);

  return (MAX (la, lb) + 0.05) / (MIN (la, lb) + 0.05);
}

/* @colour darkened, keeping its hue, until it reads at 4.5:1 on @ground. */
static AtlasRgba
readable_on (const AtlasRgba *colour,
             const AtlasRgba *ground)
{
  AtlasRgba c = *colour;

  c.a = 1;
  for (guint i = 0; i < 40 && atlas_rgba_contrast (&c, ground) < ATLAS_LABEL_MIN_CONTRAST; i++)
    {
      c.r *= 0.92;
      c.g *= 0.92;
      c.b *= 0.92;
    }
  return c;
}

/* The ground a label is read against: its halo, or for the sea's name
 * (no halo), the sea. */
static const AtlasRgba halo_colour = { 1, 1, 1, 1 };
static const AtlasRgba sea_ground = { 0.784, 0.851, 0.894, 1 };

/**
 * atlas_placed_label_colours:
 * @text: (out): the colour of the text
 * @ground: (out): the colour it is read against (its halo)
 */
void
atlas_placed_label_colours (const AtlasPlacedLabel *p,
                            AtlasRgba              *text,
                            AtlasRgba              *ground)
{
  const LabelStyle *ls = &label_styles[p->style];
  AtlasRgba c = ls->colour;

  *ground = ls->halo > 0 ? halo_colour : sea_ground;
  if (p->label->has_colour)
    c = (AtlasRgba) { p->label->r, p->label->g, p->label->b, 1 };
  *text = readable_on (&c, ground);
}

/* Priorities: seas and provinces, prefectures, the plan's features (by
 * their own rank: symbols, lines, bands, zones), counties, other places,
 * then whatever ranks lower (stations). */
static int
priority_of (const AtlasLabel *l)
{
  if (l->kind == ATLAS_LABEL_OVERLAY_POINT || l->kind == ATLAS_LABEL_OVERLAY_AREA)
    return 20 + (int) MIN (l->rank, 19) - 10;
  return (int) l->rank * 10;
}

typedef struct
{
  const AtlasLabel *label;
  int               priority;
} Candidate;

static int
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const Candidate *ca = a, *cb = b;
  const AtlasLabel *la = ca->label, *lb = cb->label;
  guint sa = style_for_label (la), sb = style_for_label (lb);

  if (ca->priority != cb->priority)
    return ca->priority < cb->priority ? -1 : 1;
  if (la->rank != lb->rank)
    return la->rank < lb->rank ? -1 : 1;
  if (sa != sb)
    return sa < sb ? -1 : 1;
  if (la->code != lb->code)
    return la->code < lb->code ? -1 : 1;
  return la < lb ? -1 : (la > lb);
}

/* The name without the administrative suffix that a base map adds and a
 * plan's feature leaves out: 张家口市 → 张家口, 延庆区 and 延庆新城 → 延庆. */
static char *
core_name (const char *name)
{
  static const char *suffixes[] = {
    "满族蒙古族自治县", "回族自治县", "满族自治县", "蒙古族自治县", "自治县",
    "新城", "新区", "市", "区", "县",
  };
  gsize len = strlen (name);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      gsize n = strlen (suffixes[i]);

      /* keep at least two characters: 雄县 stays 雄县 */
      if (len > n + 3 && g_str_has_suffix (name, suffixes[i]))
        return g_strndup (name, len - n);
    }
  return g_strdup (name);
}

/* How far apart (world units, about 30 km) a base label and a feature's
 * label with the same name may lie and still be the same place. */
#define SAME_PLACE_WORLD 0.0011

static gboolean
label_active (const AtlasLabel *l,
              guint             izoom,
              const AtlasRect  *world_filter)
{
  if (izoom < l->min_zoom || izoom > l->max_zoom)
    return FALSE;
  return world_filter == NULL
         || atlas_rect_intersects (world_filter, &(AtlasRect) { l->world.x, l->world.y,
                                                                 l->world.x, l->world.y });
}

static PangoLayout *
label_layout_new (const AtlasLabel *label,
                  const LabelStyle *ls)
{
  PangoLayout *layout = atlas_text_layout_new (label->name_zh, ls->font);

  if (ls->spacing > 0)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_letter_spacing_new ((int) (ls->spacing * PANGO_SCALE)));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  return layout;
}

static gboolean
box_free (GArray          *placed,
          const AtlasRect *box)
{
  for (guint i = 0; i < placed->len; i++)
    if (atlas_rect_intersects (&g_array_index (placed, AtlasPlacedLabel, i).box, box))
      return FALSE;
  return TRUE;
}

/* Whether a label of the same text is already placed near @l (磁县 the
 * county and 磁县 the station): a name is shown once. */
static gboolean
text_shown_near (GArray           *placed,
                 const AtlasLabel *l)
{
  for (guint i = 0; i < placed->len; i++)
    {
      const AtlasLabel *other = g_array_index (placed, AtlasPlacedLabel, i).label;

      if (other != NULL
          && fabs (other->world.x - l->world.x) < SAME_PLACE_WORLD
          && fabs (other->world.y - l->world.y) < SAME_PLACE_WORLD
          && g_str_equal (other->name_zh, l->name_zh))
        return TRUE;
    }
  return FALSE;
}

static gboolean
place_dot_label (GArray           *placed,
                 AtlasPlacedLabel *p,
                 double            w,
                 double            h)
{
  /* right, left, above, below the dot */
  double ax = p->anchor_x, ay = p->anchor_y, pad = 2.0;
  double o = p->label->offset > 0 ? p->label->offset : 3;
  const double cand[4][2] = {
    { ax + o + 2, ay - h / 2 }, { ax - o - 2 - w, ay - h / 2 },
    { ax - w / 2, ay - o - 1 - h }, { ax - w / 2, ay + o + 1 },
  };
  AtlasRect dot = { ax - o, ay - o, ax + o, ay + o };

  if (!box_free (placed, &dot))
    return FALSE;

  for (guint c = 0; c < 4; c++)
    {
      AtlasRect box = { cand[c][0] - pad, cand[c][1], cand[c][0] + w + pad, cand[c][1] + h };
      AtlasRect both = { MIN (box.x0, dot.x0), MIN (box.y0, dot.y0),
                         MAX (box.x1, dot.x1), MAX (box.y1, dot.y1) };

      /* what is kept is the box around text and dot, so that is checked */
      if (box_free (placed, &both))
        {
          p->text_x = cand[c][0];
          p->text_y = cand[c][1];
          p->box = both;
          return TRUE;
        }
    }
  return FALSE;
}

/* A name centred on its anchor, or, for a feature's name, moved by up to
 * a line's height or half its width to a free spot that @inside accepts. */
static gboolean
place_centred_label (GArray           *placed,
                     AtlasPlacedLabel *p,
                     double            w,
                     double            h,
                     double            scale,
                     AtlasLabelInside  inside,
                     gpointer          user_data)
{
  static const double shifts[][2] = {
    { 0, 0 }, { 0, -1.2 }, { 0, 1.2 }, { -0.6, 0 }, { 0.6, 0 },
    { -0.6, -1.2 }, { 0.6, -1.2 }, { -0.6, 1.2 }, { 0.6, 1.2 }, { 0, -2.4 }, { 0, 2.4 },
  };
  guint n = inside != NULL ? G_N_ELEMENTS (shifts) : 1;
  double pad = 2.0;

  for (guint c = 0; c < n; c++)
    {
      double cx = p->anchor_x + shifts[c][0] * w, cy = p->anchor_y + shifts[c][1] * h;
      AtlasRect box = { cx - w / 2 - pad, cy - h / 2, cx + w / 2 + pad, cy + h / 2 };

      if (inside != NULL && !inside (p->label, cx / scale, cy / scale, user_data))
        continue;
      if (box_free (placed, &box))
        {
          p->text_x = cx - w / 2;
          p->text_y = cy - h / 2;
          p->box = box;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * atlas_labels_place_all:
 * @base: the base map's labels
 * @overlay: (nullable): the labels of the plan's features shown
 * @world_filter: (nullable): only place labels whose anchor is in here
 * @inside: (nullable): whether a feature's label may sit at a world point
 * @reserved: (nullable): boxes (global pixels) that no label may cover,
 *   such as a page's scale bar
 *
 * The one label engine: base map and feature labels in one collision
 * set. Greedy by priority: a label is placed at its first candidate
 * position that collides with nothing placed before it, or not at all. A
 * base label naming the same place as a shown feature's label (张家口市
 * and 张家口) is left out, and the feature's label takes its priority.
 *
 * Returns: (transfer full): the placed labels, #AtlasPlacedLabel
 */
GArray *
atlas_labels_place_all (const AtlasLabel *base,
                        guint             n_base,
                        const AtlasLabel *overlay,
                        guint             n_overlay,
                        double            zoom,
                        const AtlasRect  *world_filter,
                        AtlasLabelInside  inside,
                        gpointer          user_data,
                        const AtlasRect  *reserved,
                        guint             n_reserved)
{
  GArray *placed = g_array_new (FALSE, FALSE, sizeof (AtlasPlacedLabel));
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (Candidate));
  g_autoptr(GPtrArray) overlay_names = g_ptr_array_new_with_free_func (g_free);
  double scale = ATLAS_TILE_SIZE * pow (2.0, zoom);
  /* a page between two zooms shows the labels of the nearer one */
  guint izoom = (guint) floor (zoom + 0.5);

  for (guint i = 0; i < n_overlay; i++)
    if (label_active (&overlay[i], izoom, world_filter))
      {
        Candidate c = { &overlay[i], priority_of (&overlay[i]) };
        g_autofree char *name = core_name (overlay[i].name_zh);
        gboolean repeated = FALSE;

        /* two features of one name and place (京津走廊 of the structure and
         * of industry) are named once */
        for (guint o = 0; o < overlay_names->len && !repeated; o++)
          {
            const AtlasLabel *other = g_array_index (order, Candidate, o).label;

            repeated = g_str_equal (name, overlay_names->pdata[o])
                       && fabs (other->world.x - overlay[i].world.x) < SAME_PLACE_WORLD
                       && fabs (other->world.y - overlay[i].world.y) < SAME_PLACE_WORLD;
          }
        if (repeated)
          continue;
        g_array_append_val (order, c);
        g_ptr_array_add (overlay_names, g_steal_pointer (&name));
      }

  for (guint i = 0; i < n_base; i++)
    {
      const AtlasLabel *l = &base[i];
      Candidate c = { l, priority_of (l) };
      g_autofree char *name = NULL;
      gboolean repeated = FALSE;

      if (!label_active (l, izoom, world_filter))
        continue;
      name = core_name (l->name_zh);
      for (guint o = 0; o < overlay_names->len; o++)
        {
          Candidate *oc = &g_array_index (order, Candidate, o);

          /* a province's name stands for a larger area */
          double near = l->kind == ATLAS_LABEL_PROVINCE ? SAME_PLACE_WORLD * 2.5 : SAME_PLACE_WORLD;

          if (g_str_equal (name, overlay_names->pdata[o])
              && fabs (oc->label->world.x - l->world.x) < near
              && fabs (oc->label->world.y - l->world.y) < near)
            {
              oc->priority = MIN (oc->priority, c.priority);
              repeated = TRUE;
            }
        }
      if (!repeated)
        g_array_append_val (order, c);
    }
  g_array_sort (order, compare_candidates);

  for (guint i = 0; i < n_reserved; i++)
    g_array_append_val (placed, ((AtlasPlacedLabel) { .box = reserved[i] }));

  for (guint i = 0; i < order->len; i++)
    {
      const AtlasLabel *l = g_array_index (order, Candidate, i).label;
      guint style = style_for_label (l);
      const LabelStyle *ls = &label_styles[style];
      g_autoptr(PangoLayout) layout = label_layout_new (l, ls);
      PangoRectangle ink, logical;
      gboolean feature = l->kind == ATLAS_LABEL_OVERLAY_AREA;
      AtlasPlacedLabel p = { l, style, ls->dot, l->world.x * scale, l->world.y * scale, 0, 0, { 0 } };
      gboolean done;

      if (text_shown_near (placed, l))
        continue;
      pango_layout_get_pixel_extents (layout, &ink, &logical);
      if (ls->dot)
        done = place_dot_label (placed, &p, logical.width, logical.height);
      else
        done = place_centred_label (placed, &p, logical.width, logical.height, scale,
                                    feature ? inside : NULL, user_data);
      if (done)
        g_array_append_val (placed, p);
    }
  g_array_remove_range (placed, 0, n_reserved);

  return placed;
}

/**
 * atlas_labels_place:
 * @world_filter: (nullable): only place labels whose anchor is in here
 *
 * atlas_labels_place_all() for one set of labels.
 *
 * Returns: (transfer full): the placed labels, #AtlasPlacedLabel
 */
GArray *
atlas_labels_place (const AtlasLabel *labels,
                    guint             n_labels,
                    double            zoom,
                    const AtlasRect  *world_filter)
{
  return atlas_labels_place_all (labels, n_labels, NULL, 0, zoom, world_filter, NULL, NULL, NULL, 0);
}

/* Tiles (raster, at a whole scale): each label's text and halo are drawn once
 * into a small image, kept for the next tiles and repaints (a toggle
 * redraws every label of the view; stroking glyph outlines for the halo
 * is most of a label's cost). The image is made at the label's position
 * within a device pixel, quantised to a quarter, and copied at whole
 * pixels, so that it looks as if drawn directly. Vector targets keep the
 * text as text. */

#define LABEL_CACHE_MAX 1024   /* entries; then it starts again */

typedef struct
{
  cairo_surface_t *image;
  int              ox, oy;     /* device pixels from the image's corner to the layout's origin */
} LabelImage;

static GMutex      label_cache_lock;
static GHashTable *label_cache;   /* key → LabelImage */

static void
label_image_free (gpointer data)
{
  LabelImage *li = data;

  cairo_surface_destroy (li->image);
  g_free (li);
}

static LabelImage *
label_image_new (const AtlasPlacedLabel *p,
                 const LabelStyle       *ls,
                 const AtlasRgba        *text,
                 double                  k,
                 double                  fx,
                 double                  fy)
{
  g_autoptr(PangoLayout) layout = label_layout_new (p->label, ls);
  LabelImage *li = g_new0 (LabelImage, 1);
  PangoRectangle ink, logical;
  double pad = ceil (ls->halo) + 2;
  double x0, y0, x1, y1;
  cairo_t *c;

  pango_layout_get_pixel_extents (layout, &ink, &logical);
  x0 = MIN (ink.x, logical.x) - pad;
  y0 = MIN (ink.y, logical.y) - pad;
  x1 = MAX (ink.x + ink.width, logical.x + logical.width) + pad;
  y1 = MAX (ink.y + ink.height, logical.y + logical.height) + pad;
  li->ox = (int) ceil (-x0 * k);
  li->oy = (int) ceil (-y0 * k);
  li->image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, li->ox + (int) ceil (x1 * k) + 1,
                                          li->oy + (int) ceil (y1 * k) + 1);
  c = cairo_create (li->image);
  cairo_translate (c, li->ox + fx, li->oy + fy);
  cairo_scale (c, k, k);
  if (ls->halo > 0)
    atlas_text_draw_halo (c, layout, 0, 0, text, ls->halo);
  else
    {
      cairo_move_to (c, 0, 0);
      atlas_rgba_set (c, text);
      pango_cairo_show_layout (c, layout);
    }
  cairo_destroy (c);
  return li;
}

/* Returns FALSE when @cr is not a raster target with a plain scale. */
static gboolean
draw_label_cached (cairo_t                *cr,
                   const AtlasPlacedLabel *p,
                   const LabelStyle       *ls,
                   const AtlasRgba        *text,
                   double                  x,
                   double                  y)
{
  cairo_matrix_t m;
  double dx = x, dy = y, ix, iy, k;
  int qx, qy;
  g_autofree char *key = NULL;
  LabelImage *li;
  cairo_surface_t *image;
  int ox, oy;

  cairo_get_matrix (cr, &m);
  /* tiles (whole scales); a page at another scale is drawn once, with
   * nothing to gain from images of its labels */
  if (cairo_surface_get_type (cairo_get_target (cr)) != CAIRO_SURFACE_TYPE_IMAGE
      || m.xy != 0 || m.yx != 0 || m.xx != m.yy || m.xx < 1 || m.xx != round (m.xx))
    return FALSE;
  k = m.xx;
  cairo_user_to_device (cr, &dx, &dy);
  ix = floor (dx);
  iy = floor (dy);
  qx = (int) round ((dx - ix) * 4);
  qy = (int) round ((dy - iy) * 4);
  key = g_strdup_printf ("%u %g %d %d %.3f %.3f %.3f %.3f %s", p->style, k, qx, qy, text->r, text->g,
                         text->b, text->a, p->label->name_zh);

  g_mutex_lock (&label_cache_lock);
  if (label_cache == NULL || g_hash_table_size (label_cache) >= LABEL_CACHE_MAX)
    {
      g_clear_pointer (&label_cache, g_hash_table_unref);
      label_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, label_image_free);
    }
  li = g_hash_table_lookup (label_cache, key);
  if (li == NULL)
    {
      li = label_image_new (p, ls, text, k, qx / 4.0, qy / 4.0);
      g_hash_table_insert (label_cache, g_steal_pointer (&key), li);
    }
  image = cairo_surface_reference (li->image);
  ox = li->ox;
  oy = li->oy;
  g_mutex_unlock (&label_cache_lock);

  cairo_save (cr);
  cairo_identity_matrix (cr);
  cairo_set_source_surface (cr, image, ix - ox, iy - oy);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (image);

  if (cairo_get_user_data (cr, &recorder_key) != NULL)
    {
      g_autoptr(PangoLayout) layout = label_layout_new (p->label, ls);

      atlas_text_record (cr, layout, x, y);
    }
  return TRUE;
}

void
atlas_labels_draw (cairo_t             *cr,
                   GArray              *placements,
                   const AtlasViewport *vp)
{
  double scale = ATLAS_TILE_SIZE * pow (2.0, vp->zoom);
  double ox = vp->origin_x * scale, oy = vp->origin_y * scale;
  AtlasRect view = { ox, oy, ox + vp->width, oy + vp->height };

  for (guint i = 0; i < placements->len; i++)
    {
      const AtlasPlacedLabel *p = &g_array_index (placements, AtlasPlacedLabel, i);
      const LabelStyle *ls = &label_styles[p->style];
      g_autoptr(PangoLayout) layout = NULL;
      AtlasRgba text, ground;

      if (!atlas_rect_intersects (&p->box, &view))
        continue;

      if (p->dot && p->label->kind != ATLAS_LABEL_OVERLAY_POINT && p->label->kind != ATLAS_LABEL_STATION)
        {
          cairo_new_path (cr);
          cairo_arc (cr, p->anchor_x - ox, p->anchor_y - oy, p->style == STYLE_PREFECTURE ? 3.0 : 2.2,
                     0, 2 * G_PI);
          cairo_set_source_rgb (cr, 1, 1, 1);
          cairo_fill_preserve (cr);
          atlas_rgba_set (cr, &ls->colour);
          cairo_set_line_width (cr, 1.3);
          cairo_stroke (cr);
        }

      atlas_placed_label_colours (p, &text, &ground);
      if (draw_label_cached (cr, p, ls, &text, p->text_x - ox, p->text_y - oy))
        continue;
      layout = label_layout_new (p->label, ls);
      if (ls->halo > 0)
        atlas_text_draw_halo (cr, layout, p->text_x - ox, p->text_y - oy, &text, ls->halo);
      else
        {
          cairo_move_to (cr, p->text_x - ox, p->text_y - oy);
          atlas_rgba_set (cr, &text);
          pango_cairo_show_layout (cr, layout);
          atlas_text_record (cr, layout, p->text_x - ox, p->text_y - oy);
        }
    }
}
