/* atlas-data-error.h — errors in the plan, the gazetteer and the aliases, and checks shared by their readers */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ATLAS_DATA_ERROR (atlas_data_error_quark ())

/**
 * AtlasDataError:
 * @ATLAS_DATA_ERROR_CORRUPT: a file is there but cannot be read as what it should be
 * @ATLAS_DATA_ERROR_TOO_LARGE: a file holds far more than the shipped data (rows, nesting, points)
 * @ATLAS_DATA_ERROR_MISSING: a file is not there (in the resources or the maps folder)
 */
typedef enum
{
  ATLAS_DATA_ERROR_CORRUPT,
  ATLAS_DATA_ERROR_TOO_LARGE,
  ATLAS_DATA_ERROR_MISSING,
} AtlasDataError;

/* Tables (gazetteer, labels, counties) longer than this are refused: the shipped ones have 14–267 rows. */
#define ATLAS_MAX_TABLE_ROWS 10000

/* JSON nested deeper than this is refused before json-glib recurses into it (the data nests 8 deep). */
#define ATLAS_JSON_MAX_DEPTH 64

GQuark   atlas_data_error_quark   (void);

gboolean atlas_check_text         (const char  *data,
                                   gsize        size,
                                   const char  *name,
                                   GQuark       domain,
                                   int          code,
                                   GError     **error);
gboolean atlas_check_rows         (const char  *data,
                                   gsize        size,
                                   const char  *name,
                                   GQuark       domain,
                                   int          code,
                                   GError     **error);
gboolean atlas_check_json_depth   (const char  *data,
                                   gsize        size,
                                   const char  *name,
                                   GQuark       domain,
                                   int          code,
                                   GError     **error);

G_END_DECLS
