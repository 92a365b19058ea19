/* atlas-paint.h — painting helpers shared by the base map and the overlays */
#pragma once

#include <cairo.h>
#include <pango/pango.h>

#include "atlas-basemap-renderer.h"

G_BEGIN_DECLS

typedef struct
{
  double r, g, b, a;
} AtlasRgba;

/* The part of the world a drawing covers, with a margin, in world and in
 * viewport pixel coordinates, used to cull features and to drop vertices
 * that lie outside. */
typedef struct
{
  AtlasRect world;
  double    px_x0, px_y0, px_x1, px_y1;
  double    scale;        /* pixels per world unit */
  double    origin_x, origin_y;
} AtlasPathClip;

typedef struct
{
  const AtlasLabel *label;
  guint             style;
  gboolean          dot;
  double            anchor_x, anchor_y;   /* global pixels at the placement zoom */
  double            text_x, text_y;       /* top-left of the text, global pixels */
  AtlasRect         box;                  /* global pixels */
} AtlasPlacedLabel;

void         atlas_rgba_set          (cairo_t               *cr,
                                      const AtlasRgba       *colour);
void         atlas_path_clip_init    (AtlasPathClip         *clip,
                                      const AtlasViewport   *vp,
                                      double                 margin_px);
void         atlas_path_add_points   (cairo_t               *cr,
                                      const AtlasPoint      *points,
                                      guint                  n_points,
                                      const AtlasPathClip   *clip,
                                      gboolean               close);
void         atlas_path_add_feature  (cairo_t               *cr,
                                      const AtlasGeomLayer  *layer,
                                      const AtlasFeature    *feature,
                                      const AtlasViewport   *vp,
                                      const AtlasPathClip   *clip,
                                      gboolean               close);

void         atlas_stroke_feature    (cairo_t               *cr,
                                      const AtlasGeomLayer  *layer,
                                      const AtlasFeature    *feature,
                                      const AtlasPathClip   *clip,
                                      gboolean               close);

/* Export to SVG keeps its text as text: a recorder set on the cairo
 * context with atlas_text_set_recorder() is told of every text drawn. */
typedef void (*AtlasTextRecorder) (gpointer     user_data,
                                   const char  *text,
                                   double       device_x,
                                   double       device_y,
                                   double       device_size);

void         atlas_text_set_recorder (cairo_t               *cr,
                                      AtlasTextRecorder      recorder,
                                      gpointer               user_data);
void         atlas_text_record       (cairo_t               *cr,
                                      PangoLayout           *layout,
                                      double                 x,
                                      double                 y);

PangoLayout *atlas_text_layout_new   (const char            *text,
                                      const char            *font);
void         atlas_text_draw_halo    (cairo_t               *cr,
                                      PangoLayout           *layout,
                                      double                 x,
                                      double                 y,
                                      const AtlasRgba       *colour,
                                      double                 halo_width);

/* Labels read at this contrast against their halo (WCAG AA). */
#define ATLAS_LABEL_MIN_CONTRAST 4.5

typedef gboolean (*AtlasLabelInside) (const AtlasLabel *label,
                                      double            world_x,
                                      double            world_y,
                                      gpointer          user_data);

double       atlas_rgba_contrast     (const AtlasRgba       *a,
                                      const AtlasRgba       *b);
void         atlas_placed_label_colours (const AtlasPlacedLabel *placed,
                                         AtlasRgba              *text,
                                         AtlasRgba              *ground);
GArray      *atlas_labels_place_all  (const AtlasLabel      *base,
                                      guint                  n_base,
                                      const AtlasLabel      *overlay,
                                      guint                  n_overlay,
                                      double                 zoom,
                                      const AtlasRect       *world_filter,
                                      AtlasLabelInside       inside,
                                      gpointer               user_data,
                                      const AtlasRect       *reserved,
                                      guint                  n_reserved);
GArray      *atlas_labels_place      (const AtlasLabel      *labels,
                                      guint                  n_labels,
                                      double                 zoom,
                                      const AtlasRect       *world_filter);
void         atlas_labels_draw       (cairo_t               *cr,
                                      GArray                *placements,
                                      const AtlasViewport   *vp);

G_END_DECLS
