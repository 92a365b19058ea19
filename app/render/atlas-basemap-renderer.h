/* atlas-basemap-renderer.h — draws the base map with cairo
 *
 * The same painter draws screen tiles (on worker threads) and export pages:
 * a viewport names a rectangle of the Web Mercator world at a zoom.
 */
#pragma once

#include "atlas-painter.h"
#include "model/atlas-basemap.h"

G_BEGIN_DECLS

typedef struct _AtlasBasemapRenderer AtlasBasemapRenderer;

AtlasBasemapRenderer *atlas_basemap_renderer_new        (AtlasBasemap         *basemap);
AtlasBasemapRenderer *atlas_basemap_renderer_ref        (AtlasBasemapRenderer *self);
void                  atlas_basemap_renderer_unref      (AtlasBasemapRenderer *self);
AtlasBasemap         *atlas_basemap_renderer_get_basemap (AtlasBasemapRenderer *self);

void                  atlas_basemap_renderer_draw       (AtlasBasemapRenderer *self,
                                                         cairo_t              *cr,
                                                         const AtlasViewport  *viewport);
void                  atlas_basemap_renderer_draw_tile  (AtlasBasemapRenderer *self,
                                                         cairo_t              *cr,
                                                         guint                 zoom,
                                                         guint                 tile_x,
                                                         guint                 tile_y);
cairo_surface_t      *atlas_basemap_renderer_render_tile (AtlasBasemapRenderer *self,
                                                          guint                 zoom,
                                                          guint                 tile_x,
                                                          guint                 tile_y,
                                                          int                   scale);
void                  atlas_basemap_renderer_set_labels (AtlasBasemapRenderer *self,
                                                         gboolean              labels);

AtlasPainter         *atlas_basemap_renderer_as_painter (AtlasBasemapRenderer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlasBasemapRenderer, atlas_basemap_renderer_unref)

G_END_DECLS
