/* atlas-user-renderer.h — draws users' own layers (the "My data" group)
 *
 * A painter over a snapshot of the user layers and their styles: points as
 * dots, lines, polygons with a light fill; labels from a chosen attribute;
 * each layer with its opacity as a cairo group (stays vector in PDF/SVG).
 * Immutable and thread-safe like every painter: a change makes a new one.
 */
#pragma once

#include "model/atlas-overlays.h"
#include "model/atlas-user-data.h"
#include "render/atlas-painter.h"

#include <pango/pango.h>

G_BEGIN_DECLS

typedef struct
{
  AtlasUserData *data;         /* a reference is taken */
  guint          layer;        /* in data->layers */
  gboolean       visible;
  double         opacity;
  AtlasColor     colour;
  int            label_field;  /* -1: no labels */
} AtlasUserLayerStyle;

typedef struct _AtlasUserRenderer AtlasUserRenderer;

typedef struct
{
  guint        feature;   /* in the layer */
  AtlasRect    box;       /* world pixels at the zoom, with the halo */
  PangoLayout *layout;    /* a reference */
} AtlasUserLabel;

AtlasUserRenderer *atlas_user_renderer_new          (const AtlasUserLayerStyle *styles,
                                                     guint                      n_styles);
AtlasUserRenderer *atlas_user_renderer_ref          (AtlasUserRenderer         *self);
void               atlas_user_renderer_unref        (AtlasUserRenderer         *self);
AtlasPainter      *atlas_user_renderer_as_painter   (AtlasUserRenderer         *self);
guint              atlas_user_renderer_n_visible    (AtlasUserRenderer         *self);
GArray            *atlas_user_renderer_place_labels (AtlasUserRenderer         *self,
                                                     guint                      layer,
                                                     const AtlasViewport       *viewport);
double             atlas_user_renderer_draw_legend  (AtlasUserRenderer         *self,
                                                     cairo_t                   *cr,
                                                     double                     x,
                                                     double                     y,
                                                     double                     width,
                                                     double                     unit);
void               atlas_user_color_for_index       (guint                      i,
                                                     AtlasColor                *colour);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlasUserRenderer, atlas_user_renderer_unref)

G_END_DECLS
