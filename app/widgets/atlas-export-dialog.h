/* atlas-export-dialog.h — export and print a map page */
#pragma once

#include <adwaita.h>

#include "export/atlas-export.h"
#include "model/atlas-layer-state.h"

G_BEGIN_DECLS

#define ATLAS_TYPE_EXPORT_DIALOG (atlas_export_dialog_get_type ())
G_DECLARE_FINAL_TYPE (AtlasExportDialog, atlas_export_dialog, ATLAS, EXPORT_DIALOG, AdwWindow)

AtlasExportDialog *atlas_export_dialog_new       (GtkWindow      *parent,
                                                  AtlasData      *data,
                                                  AtlasPlanIndex *index,
                                                  AtlasLayerState *layers,
                                                  AtlasRect       view_extent,
                                                  AtlasEntity    *selection);
AtlasExportJob    *atlas_export_dialog_build_job (AtlasExportDialog *self);
void               atlas_export_dialog_set_user_layers (AtlasExportDialog *self,
                                                        gpointer           user_renderer);
void               atlas_export_dialog_set_basemap (AtlasExportDialog *self,
                                                    gpointer           raster_painter);
void               atlas_export_dialog_print     (AtlasExportDialog *self);
void               atlas_export_dialog_export_async  (AtlasExportDialog   *self,
                                                      const char          *path,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean           atlas_export_dialog_export_finish (AtlasExportDialog   *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
gboolean           atlas_export_dialog_preview_ready (AtlasExportDialog *self);

char              *atlas_export_dialog_suggest_name (AtlasExportDialog *self,
                                                     const char        *ext);
const char        *atlas_export_dialog_get_last_toast (AtlasExportDialog *self);
void               atlas_export_dialog_set_page_title (AtlasExportDialog *self,
                                                       const char        *title);

G_END_DECLS
