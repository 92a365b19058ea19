/* atlas-views.h — preset map views */
#pragma once

#include <glib.h>

#include "atlas-geo.h"

G_BEGIN_DECLS

typedef struct
{
  const char *id;
  const char *name;       /* translatable, N_() marked */
  double      longitude;
  double      latitude;
  double      zoom;
} AtlasView;

/* The region that panning is bounded to. */
#define ATLAS_REGION_WEST  112.0
#define ATLAS_REGION_EAST  122.0
#define ATLAS_REGION_SOUTH 35.0
#define ATLAS_REGION_NORTH 43.5
#define ATLAS_MIN_ZOOM 5
#define ATLAS_MAX_ZOOM 14

/* What "whole region" shows: 北京, 天津 and 河北, whole. */
#define ATLAS_BTH_WEST  113.45
#define ATLAS_BTH_EAST  119.87
#define ATLAS_BTH_SOUTH 36.04
#define ATLAS_BTH_NORTH 42.62

const AtlasView *atlas_views_get_all  (guint       *n_views);
const AtlasView *atlas_views_lookup   (const char  *id);
char            *atlas_views_list_ids (void);
void             atlas_region_clamp   (double      *longitude,
                                       double      *latitude);
void             atlas_region_extent  (AtlasRect   *extent);
double           atlas_region_fit_zoom (double      width_px,
                                        double      height_px);

G_END_DECLS
