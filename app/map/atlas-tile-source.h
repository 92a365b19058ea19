/* atlas-tile-source.h — a ShumateMapSource that renders tiles with cairo */
#pragma once

#include <shumate/shumate.h>

#include "render/atlas-painter.h"

G_BEGIN_DECLS

#define ATLAS_TYPE_TILE_SOURCE (atlas_tile_source_get_type ())
G_DECLARE_FINAL_TYPE (AtlasTileSource, atlas_tile_source, ATLAS, TILE_SOURCE, ShumateMapSource)

AtlasTileSource *atlas_tile_source_new              (AtlasPainter         *painter,
                                                     const char           *id,
                                                     const char           *name,
                                                     const char           *license);
void             atlas_tile_source_set_scale_factor (AtlasTileSource      *self,
                                                     int                   scale_factor);
int              atlas_tile_source_get_scale_factor (AtlasTileSource      *self);
guint            atlas_tile_source_get_pending      (AtlasTileSource      *self);
guint            atlas_tile_source_get_filled       (AtlasTileSource      *self);

G_END_DECLS
