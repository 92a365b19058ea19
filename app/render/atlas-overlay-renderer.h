/* atlas-overlay-renderer.h — draws the plan's overlay layers with cairo */
#pragma once

#include "atlas-painter.h"
#include "model/atlas-overlays.h"

G_BEGIN_DECLS

typedef struct _AtlasOverlayRenderer AtlasOverlayRenderer;

AtlasOverlayRenderer *atlas_overlay_renderer_new        (AtlasOverlays        *overlays,
                                                         AtlasVisibility      *visibility);
AtlasPainter         *atlas_overlay_renderer_as_painter (AtlasOverlayRenderer *self);
void                  atlas_overlay_renderer_set_basemap (AtlasOverlayRenderer *self,
                                                          AtlasBasemap         *basemap);
void                  atlas_overlay_renderer_reserve     (AtlasOverlayRenderer *self,
                                                          double                x,
                                                          double                y,
                                                          double                width,
                                                          double                height);
GArray               *atlas_overlay_renderer_get_placements (AtlasOverlayRenderer *self,
                                                             guint                 zoom);
void                  atlas_overlay_renderer_unref      (AtlasOverlayRenderer *self);

void                  atlas_overlay_draw_feature_path   (cairo_t                   *cr,
                                                         const AtlasOverlayFeature *feature,
                                                         const AtlasViewport       *viewport);
void                  atlas_overlay_draw_highlight      (cairo_t                   *cr,
                                                         const AtlasOverlayFeature *feature,
                                                         const AtlasViewport       *viewport,
                                                         gboolean                   selected);
void                  atlas_overlay_draw_highlight_color (cairo_t                   *cr,
                                                          const AtlasOverlayFeature *f,
                                                          const AtlasViewport       *vp,
                                                          gboolean                   selected,
                                                          const AtlasColor          *color);
void                  atlas_overlay_draw_swatch         (cairo_t                   *cr,
                                                         const AtlasOverlayStyle   *style,
                                                         AtlasOverlayKind           kind,
                                                         gboolean                   schematic,
                                                         double                     width,
                                                         double                     height);
double                atlas_overlay_band_width_px       (const AtlasOverlayFeature *feature,
                                                         double                     zoom);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlasOverlayRenderer, atlas_overlay_renderer_unref)

G_END_DECLS
