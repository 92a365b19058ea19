/* atlas-export.h — page layouts in PDF, SVG and PNG
 *
 * One layout engine draws the page for the files, the print dialog and
 * the live preview: title, map frame with the base map and the visible
 * overlays drawn as vectors by the map's own painters, legend of the
 * visible layers, scale bar, north arrow, attribution and date, and
 * optionally the plan's text about an area.
 */
#pragma once

#include <cairo.h>

#include "model/atlas-plan-index.h"
#include "model/atlas-visibility.h"

G_BEGIN_DECLS

#define ATLAS_EXPORT_ERROR (atlas_export_error_quark ())

/**
 * AtlasExportError:
 * @ATLAS_EXPORT_ERROR_OPTION: an option is not valid
 * @ATLAS_EXPORT_ERROR_WRITE: the file could not be written
 */
typedef enum
{
  ATLAS_EXPORT_ERROR_OPTION,
  ATLAS_EXPORT_ERROR_WRITE,
} AtlasExportError;

typedef enum
{
  ATLAS_EXPORT_PDF,
  ATLAS_EXPORT_SVG,
  ATLAS_EXPORT_PNG,
} AtlasExportFormat;

typedef struct
{
  const char *id;       /* "A3" */
  double      width_mm;
  double      height_mm;
} AtlasPaper;

typedef struct
{
  AtlasData        *data;        /* basemap, overlays, plan (a reference) */
  AtlasPlanIndex   *index;       /* nullable: for excerpts and books (a reference) */
  const AtlasPaper *paper;
  gboolean          landscape;
  AtlasExportFormat format;
  double            dpi;         /* PNG */
  char             *title;
  char             *subtitle;    /* nullable */
  char             *date;        /* nullable: today */
  AtlasRect         extent;      /* world coordinates to fit into the map frame */
  AtlasVisibility  *visibility;  /* the overlay layers and features drawn (a reference) */
  AtlasEntity      *excerpt;     /* nullable: show its role text beside the map */
  GPtrArray        *book;        /* nullable: AtlasEntity, one page each after a cover */
  GPtrArray        *plates;      /* nullable: const AtlasFigure of data->figures, one plate per page */
  const AtlasFigure *figure;     /* nullable: set on the copy of the job that draws a plate */
  gpointer          user_layers; /* nullable: AtlasUserRenderer, the "My data" layers (a reference) */
  gpointer          basemap;     /* nullable: AtlasRasterPainter, the user's own base map (a reference) */
} AtlasExportJob;

GQuark            atlas_export_error_quark   (void);

const AtlasPaper *atlas_paper_lookup         (const char        *id);
const AtlasPaper *atlas_papers_get_all       (guint             *n_papers);
gboolean          atlas_export_format_from_string (const char   *text,
                                                   AtlasExportFormat *format);
gboolean          atlas_export_format_from_path   (const char   *path,
                                                   AtlasExportFormat *format);

AtlasExportJob   *atlas_export_job_new       (AtlasData         *data,
                                              AtlasPlanIndex    *index);
void              atlas_export_job_free      (AtlasExportJob    *job);
void              atlas_export_job_set_visibility (AtlasExportJob  *job,
                                                   AtlasVisibility *visibility);
void              atlas_export_job_set_extent_from_view (AtlasExportJob *job,
                                                          double          longitude,
                                                          double          latitude,
                                                          double          zoom,
                                                          double          view_width,
                                                          double          view_height);
void              atlas_export_page_size_pt  (AtlasExportJob    *job,
                                              double            *width,
                                              double            *height);
guint             atlas_export_n_pages       (AtlasExportJob    *job);
void              atlas_export_draw_page     (AtlasExportJob    *job,
                                              cairo_t           *cr,
                                              guint              page);
gboolean          atlas_export_write         (AtlasExportJob    *job,
                                              const char        *path,
                                              GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlasExportJob, atlas_export_job_free)

G_END_DECLS
