/* atlas-settings.h — the application's GSettings and what the window remembers in them
 *
 * Every GSettings object of the application comes from atlas_settings_new();
 * the window's size, view, sidebar and layers are read at start and written
 * back here, so the application, the window and the export dialog need not
 * call each other for them. A NULL settings (no schema found) reads as the
 * defaults and writes nothing.
 */
#pragma once

#include <adwaita.h>
#include <shumate/shumate.h>

#include "model/atlas-figures.h"
#include "model/atlas-layer-state.h"

G_BEGIN_DECLS

GSettings *atlas_settings_new                 (void);

void       atlas_settings_restore_window      (GSettings         *settings,
                                               GtkWindow         *window,
                                               double            *latitude,
                                               double            *longitude,
                                               double            *zoom);
void       atlas_settings_save_window         (GSettings         *settings,
                                               GtkWindow         *window,
                                               ShumateViewport   *viewport,
                                               AdwFlap           *sidebar);
gboolean   atlas_settings_get_sidebar_visible (GSettings         *settings);

void       atlas_settings_restore_layers      (GSettings         *settings,
                                               AtlasLayerState   *state,
                                               AtlasFigures      *figures,
                                               const AtlasFigure *first_figure,
                                               AtlasOverlays     *overlays);
void       atlas_settings_save_layers         (GSettings         *settings,
                                               AtlasLayerState   *state);

G_END_DECLS
