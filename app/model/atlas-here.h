/* atlas-here.h — "what is here": everything under a point of the map
 *
 * The county at the point and every overlay feature that contains it (or,
 * for lines and points, passes within a few pixels of it), smallest first,
 * as the plan index's entities: what a click on the map offers and what
 * `capital-atlas --at` prints.
 */

#pragma once

#include "atlas-plan-index.h"

G_BEGIN_DECLS

GPtrArray *atlas_here_list    (AtlasPlanIndex  *index,
                               AtlasData       *data,
                               AtlasVisibility *visibility,
                               double           longitude,
                               double           latitude,
                               double           zoom,
                               double           tolerance_px);
char      *atlas_here_to_text (GPtrArray      *entities,
                               double          longitude,
                               double          latitude);
char      *atlas_here_to_json (GPtrArray      *entities,
                               double          longitude,
                               double          latitude);

G_END_DECLS
