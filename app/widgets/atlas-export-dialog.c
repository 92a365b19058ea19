/* atlas-export-dialog.c — export and print a map page
 *
 * Settings on the right, a live preview of the page on the left, drawn by
 * the same layout engine as the files, on a worker thread; Export writes
 * the file on a worker thread too, Print goes through GtkPrintOperation.
 * The settings are remembered: bound to GSettings in delayed mode and
 * applied when the user exports or prints. The widgets are in
 * ui/atlas-export-dialog.ui.
 */

#include "config.h"

#include "atlas-export-dialog.h"
#include "atlas-settings.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "model/atlas-views.h"
#include "render/atlas-user-renderer.h"
#include "render/atlas-raster-painter.h"

struct _AtlasExportDialog
{
  AdwWindow        parent_instance;

  AtlasData       *data;
  AtlasPlanIndex  *index;
  AtlasVisibility *visibility;
  AtlasRect        view_extent;
  AtlasEntity     *selection;
  GSettings       *settings;
  gpointer         user_layers;   /* nullable: AtlasUserRenderer, "My data" */
  gpointer         basemap;       /* nullable: AtlasRasterPainter, the user's base map */

  GtkWidget       *preview;
  GdkTexture      *preview_texture;
  GCancellable    *preview_cancellable;
  guint            preview_id;
  gboolean         preview_ready;
  AdwToastOverlay *toasts;
  AdwEntryRow     *title_row;
  AdwEntryRow     *subtitle_row;
  AdwComboRow     *paper_row;
  AdwComboRow     *orientation_row;
  AdwComboRow     *format_row;
  AdwComboRow     *dpi_row;     /* 72, 150, 300, 600 or custom */
  GtkSpinButton   *dpi_spin;    /* the custom value */
  char            *last_toast;  /* for tests */
  AdwComboRow     *extent_row;
  AdwActionRow    *excerpt_row;
  GtkSwitch       *excerpt_switch;
  AdwComboRow     *book_row;
  GtkWidget       *export_button;
};

G_DEFINE_FINAL_TYPE (AtlasExportDialog, atlas_export_dialog, ADW_TYPE_WINDOW)

static const char * const formats[] = { "pdf", "svg", "png" };
static const int dpi_presets[] = { 72, 150, 300, 600 };

/* The resolution chosen: a preset or the custom value. */
static double
chosen_dpi (AtlasExportDialog *self)
{
  guint i = adw_combo_row_get_selected (self->dpi_row);

  return i < G_N_ELEMENTS (dpi_presets) ? dpi_presets[i] : gtk_spin_button_get_value (self->dpi_spin);
}

static void
set_dpi (AtlasExportDialog *self,
         int                dpi)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (dpi_presets) && dpi_presets[i] != dpi; i++)
    ;
  adw_combo_row_set_selected (self->dpi_row, i);
  gtk_spin_button_set_value (self->dpi_spin, dpi);
}

/* The jobs read the application's data on worker threads: the
 * application stays until they are done, even if its windows close. */
static GApplication *
hold_application (void)
{
  GApplication *app = g_application_get_default ();

  if (app != NULL)
    g_application_hold (app);
  return app;
}

static void
release_application (gpointer app)
{
  if (app != NULL)
    g_application_release (app);
}

/* The job of the current settings */

AtlasExportJob *
atlas_export_dialog_build_job (AtlasExportDialog *self)
{
  AtlasExportJob *job = atlas_export_job_new (self->data, self->index);
  guint n_papers, extent = adw_combo_row_get_selected (self->extent_row);
  const AtlasPaper *papers = atlas_papers_get_all (&n_papers);
  GPtrArray *groups = atlas_overlays_get_groups (self->data->overlays);
  const char *title = gtk_editable_get_text (GTK_EDITABLE (self->title_row));
  const char *subtitle = gtk_editable_get_text (GTK_EDITABLE (self->subtitle_row));
  guint book = adw_combo_row_get_selected (self->book_row);

  job->paper = &papers[MIN (adw_combo_row_get_selected (self->paper_row), n_papers - 1)];
  job->landscape = adw_combo_row_get_selected (self->orientation_row) == 0;
  job->format = MIN (adw_combo_row_get_selected (self->format_row), G_N_ELEMENTS (formats) - 1);
  job->dpi = chosen_dpi (self);
  if (*title != '\0')
    {
      g_free (job->title);
      job->title = g_strdup (title);
    }
  if (*subtitle != '\0')
    job->subtitle = g_strdup (subtitle);
  if (self->user_layers != NULL)
    job->user_layers = atlas_user_renderer_ref (self->user_layers);
  if (self->basemap != NULL)
    job->basemap = atlas_raster_painter_ref (self->basemap);
  atlas_export_job_set_visibility (job, self->visibility);

  if (extent == 0)
    job->extent = self->view_extent;
  else
    {
      guint n_views;
      const AtlasView *views = atlas_views_get_all (&n_views);
      const AtlasView *v = &views[MIN (extent - 1, n_views - 1)];

      atlas_export_job_set_extent_from_view (job, v->longitude, v->latitude, v->zoom, 1600, 1000);
    }

  if (gtk_switch_get_active (self->excerpt_switch))
    job->excerpt = self->selection;

  /* a briefing book of a group: a page per feature, the group's layers shown */
  if (book > 0 && book <= groups->len && self->index != NULL)
    {
      AtlasOverlayGroup *group = g_ptr_array_index (groups, book - 1);
      g_autoptr(AtlasVisibility) shown = atlas_visibility_new_group (self->visibility, group);

      job->book = g_ptr_array_new ();
      job->format = ATLAS_EXPORT_PDF;
      atlas_export_job_set_visibility (job, shown);
      for (guint l = 0; l < group->layers->len; l++)
        {
          AtlasOverlayLayer *layer = g_ptr_array_index (group->layers, l);

          for (guint i = 0; i < layer->features->len; i++)
            g_ptr_array_add (job->book, atlas_plan_index_get_feature (self->index, layer->features->pdata[i]));
        }
    }

  return job;
}

/* Preview */

typedef struct
{
  AtlasExportJob *job;
  int             width, height;
} PreviewTask;

static void
preview_task_free (PreviewTask *t)
{
  atlas_export_job_free (t->job);
  g_free (t);
}

static void
render_preview_thread (GTask        *task,
                       gpointer      source,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  PreviewTask *t = task_data;
  double W, H, k;
  cairo_surface_t *surface;
  cairo_t *cr;
  GBytes *bytes;

  atlas_export_page_size_pt (t->job, &W, &H);
  k = MIN (t->width / W, t->height / H);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, MAX (1, (int) (W * k)), MAX (1, (int) (H * k)));
  cr = cairo_create (surface);
  cairo_scale (cr, k, k);
  atlas_export_draw_page (t->job, cr, 0);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  if (g_task_return_error_if_cancelled (task))
    {
      cairo_surface_destroy (surface);
      return;
    }
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) cairo_image_surface_get_stride (surface)
                                        * cairo_image_surface_get_height (surface),
                                      (GDestroyNotify) cairo_surface_destroy, surface);
  g_task_return_pointer (task,
                         gdk_memory_texture_new (cairo_image_surface_get_width (surface),
                                                 cairo_image_surface_get_height (surface),
                                                 GDK_MEMORY_DEFAULT, bytes,
                                                 cairo_image_surface_get_stride (surface)),
                         g_object_unref);
  g_bytes_unref (bytes);
}

static void
preview_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AtlasExportDialog *self = ATLAS_EXPORT_DIALOG (object);
  GdkTexture *texture = g_task_propagate_pointer (G_TASK (result), NULL);

  release_application (user_data);
  if (texture == NULL)
    return;
  g_clear_object (&self->preview_texture);
  self->preview_texture = texture;
  self->preview_ready = TRUE;
  gtk_widget_queue_draw (self->preview);
}

static gboolean
update_preview_cb (gpointer user_data)
{
  AtlasExportDialog *self = user_data;
  g_autoptr(GTask) task = NULL;
  PreviewTask *t = g_new0 (PreviewTask, 1);
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));

  self->preview_id = 0;
  g_cancellable_cancel (self->preview_cancellable);
  g_clear_object (&self->preview_cancellable);
  self->preview_cancellable = g_cancellable_new ();

  t->job = atlas_export_dialog_build_job (self);
  /* before the first allocation, a guess; the resize redraws it */
  t->width = (gtk_widget_get_width (self->preview) > 0 ? gtk_widget_get_width (self->preview) : 600) * scale - 24;
  t->height = (gtk_widget_get_height (self->preview) > 0 ? gtk_widget_get_height (self->preview) : 500) * scale - 24;
  task = g_task_new (self, self->preview_cancellable, preview_done_cb, hold_application ());
  g_task_set_task_data (task, t, (GDestroyNotify) preview_task_free);
  g_task_run_in_thread (task, render_preview_thread);
  return G_SOURCE_REMOVE;
}

static void
settings_changed_cb (AtlasExportDialog *self)
{
  gboolean png = adw_combo_row_get_selected (self->format_row) == ATLAS_EXPORT_PNG;
  gboolean book = adw_combo_row_get_selected (self->book_row) > 0;

  gtk_widget_set_sensitive (GTK_WIDGET (self->dpi_row), png && !book);
  gtk_widget_set_visible (GTK_WIDGET (self->dpi_spin),
                          adw_combo_row_get_selected (self->dpi_row) >= G_N_ELEMENTS (dpi_presets));
  gtk_widget_set_sensitive (GTK_WIDGET (self->format_row), !book);
  self->preview_ready = FALSE;
  if (self->preview_id == 0)
    self->preview_id = g_timeout_add (150, update_preview_cb, self);
}

static void
draw_preview_cb (GtkDrawingArea *area,
                 cairo_t        *cr,
                 int             width,
                 int             height,
                 gpointer        user_data)
{
  AtlasExportDialog *self = user_data;
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (area));
  double w, h, x, y;

  cairo_set_source_rgb (cr, 0.55, 0.56, 0.58);
  cairo_paint (cr);
  if (self->preview_texture == NULL)
    return;

  w = gdk_texture_get_width (self->preview_texture) / (double) scale;
  h = gdk_texture_get_height (self->preview_texture) / (double) scale;
  x = (width - w) / 2;
  y = (height - h) / 2;
  cairo_set_source_rgba (cr, 0, 0, 0, 0.25);
  cairo_rectangle (cr, x + 3, y + 3, w, h);
  cairo_fill (cr);
  {
    cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                                           gdk_texture_get_width (self->preview_texture),
                                                           gdk_texture_get_height (self->preview_texture));

    gdk_texture_download (self->preview_texture, cairo_image_surface_get_data (surface),
                          cairo_image_surface_get_stride (surface));
    cairo_surface_mark_dirty (surface);
    cairo_surface_set_device_scale (surface, scale, scale);
    cairo_set_source_surface (cr, surface, x, y);
    cairo_paint (cr);
    cairo_surface_destroy (surface);
  }
}

/* Export */

/* The remembered settings: what the bindings changed, kept once used. */
static void
save_settings (AtlasExportDialog *self)
{
  if (self->settings != NULL)
    g_settings_apply (self->settings);
}

static void
write_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  AtlasExportJob *job = task_data;
  const char *path = g_object_get_data (G_OBJECT (task), "path");
  GError *error = NULL;

  if (atlas_export_write (job, path, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Tells the user how the export went, then the caller of
 * atlas_export_dialog_export_async(). */
static void
launched_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    g_warning ("Could not open the export: %s", error->message);
}

/* "Open": the file in the desktop's default viewer. */
static void
open_clicked_cb (AdwToast *toast,
                 gpointer  user_data)
{
  const char *uri = g_object_get_data (G_OBJECT (toast), "uri");

  g_app_info_launch_default_for_uri_async (uri, NULL, NULL, launched_cb, NULL);
}

/* Where the file went, with a button to open it. */
static void
show_saved_toast (AtlasExportDialog *self,
                  const char        *path)
{
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *dir_name = g_filename_display_name (dir);
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autofree char *escaped_name = g_markup_escape_text (name, -1);
  g_autofree char *escaped_dir = g_markup_escape_text (dir_name, -1);
  AdwToast *toast;

  g_free (self->last_toast);
  self->last_toast = g_strdup_printf (_("Saved “%s” in %s"), escaped_name, escaped_dir);
  toast = adw_toast_new (self->last_toast);
  adw_toast_set_timeout (toast, 10);
  if (uri != NULL)
    {
      adw_toast_set_button_label (toast, _("_Open"));
      g_object_set_data_full (G_OBJECT (toast), "uri", g_steal_pointer (&uri), g_free);
      g_signal_connect (toast, "button-clicked", G_CALLBACK (open_clicked_cb), NULL);
    }
  adw_toast_overlay_add_toast (self->toasts, toast);
}

static void
written_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  AtlasExportDialog *self = ATLAS_EXPORT_DIALOG (object);
  g_autoptr(GTask) outer = user_data;
  g_autoptr(GError) error = NULL;
  const char *path = g_object_get_data (G_OBJECT (result), "path");

  release_application (g_object_get_data (G_OBJECT (result), "app"));
  gtk_widget_set_sensitive (self->export_button, TRUE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Export Failed"), error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }
  show_saved_toast (self, path);
  g_task_return_boolean (outer, TRUE);
}

/**
 * atlas_export_dialog_export_async:
 *
 * Writes the page with the current settings to @path, on a worker thread;
 * the result shows as a toast or an error dialog, then @callback runs.
 */
void
atlas_export_dialog_export_async (AtlasExportDialog   *self,
                                  const char          *path,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *outer = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) task = g_task_new (self, cancellable, written_cb, outer);

  g_task_set_source_tag (outer, atlas_export_dialog_export_async);
  save_settings (self);
  g_object_set_data_full (G_OBJECT (task), "path", g_strdup (path), g_free);
  g_object_set_data (G_OBJECT (task), "app", hold_application ());
  g_task_set_task_data (task, atlas_export_dialog_build_job (self), (GDestroyNotify) atlas_export_job_free);
  gtk_widget_set_sensitive (self->export_button, FALSE);
  g_task_run_in_thread (task, write_thread);
}

/**
 * atlas_export_dialog_export_finish:
 *
 * Returns: whether the file was written; if not, @error says why (as the
 *   error dialog did)
 */
gboolean
atlas_export_dialog_export_finish (AtlasExportDialog  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
file_chosen_cb (GtkNativeDialog   *chooser,
                int                response,
                AtlasExportDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        atlas_export_dialog_export_async (self, path, NULL, NULL, NULL);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

/**
 * atlas_export_dialog_suggest_name:
 * @ext: the file's extension
 *
 * The file name offered: the page's title (as typed, else the default)
 * with what cannot be in a file name replaced, and today's date:
 * "首都都市圈-2026-12-02.pdf".
 *
 * Returns: (transfer full): a file name
 */
char *
atlas_export_dialog_suggest_name (AtlasExportDialog *self,
                                  const char        *ext)
{
  AtlasExportJob *job = atlas_export_dialog_build_job (self);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *valid = g_utf8_make_valid (job->title != NULL ? job->title : "", -1);
  GString *name = g_string_new (NULL);

  atlas_export_job_free (job);
  for (const char *p = valid; *p != '\0' && name->len < 120; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* no separators, quotes, control characters or runs of spaces */
      if (strchr ("/\\:*?\"<>|", (int) c) != NULL && c < 0x80)
        c = '-';
      else if (g_unichar_isspace (c) || g_unichar_iscntrl (c))
        c = ' ';
      if (c == ' ' && (name->len == 0 || name->str[name->len - 1] == ' '))
        continue;
      g_string_append_unichar (name, c);
    }
  g_strstrip (name->str);
  g_string_set_size (name, strlen (name->str));
  while (name->len > 0 && (name->str[0] == '.' || name->str[0] == '-'))
    g_string_erase (name, 0, 1);
  if (name->len == 0)
    g_string_append (name, _("capital-atlas-map"));
  g_string_append_printf (name, "-%s.%s", date, ext);
  return g_string_free (name, FALSE);
}

/* For tests: the last toast's text. */
const char *
atlas_export_dialog_get_last_toast (AtlasExportDialog *self)
{
  g_return_val_if_fail (ATLAS_IS_EXPORT_DIALOG (self), NULL);
  return self->last_toast;
}

static void
export_clicked_cb (AtlasExportDialog *self)
{
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;
  gboolean book = adw_combo_row_get_selected (self->book_row) > 0;
  const char *ext = book ? "pdf" : formats[MIN (adw_combo_row_get_selected (self->format_row), 2)];

  chooser = gtk_file_chooser_native_new (_("Export Map"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  name = atlas_export_dialog_suggest_name (self, ext);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (file_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Printing */

static void
begin_print_cb (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                AtlasExportJob    *job)
{
  gtk_print_operation_set_n_pages (operation, atlas_export_n_pages (job));
}

static void
draw_page_cb (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page,
              AtlasExportJob    *job)
{
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  double W, H, k;

  /* the layout is in points; fit it into the printable area */
  atlas_export_page_size_pt (job, &W, &H);
  k = MIN (gtk_print_context_get_width (context) / W, gtk_print_context_get_height (context) / H);
  cairo_scale (cr, k, k);
  atlas_export_draw_page (job, cr, page);
}

void
atlas_export_dialog_print (AtlasExportDialog *self)
{
  g_autoptr(GtkPrintOperation) operation = gtk_print_operation_new ();
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) paper = NULL;
  g_autoptr(GError) error = NULL;
  AtlasExportJob *job = atlas_export_dialog_build_job (self);
  GtkPrintOperationResult result;

  save_settings (self);
  paper = gtk_paper_size_new_custom (job->paper->id, job->paper->id, job->paper->width_mm,
                                     job->paper->height_mm, GTK_UNIT_MM);
  gtk_page_setup_set_paper_size (setup, paper);
  gtk_page_setup_set_orientation (setup, job->landscape ? GTK_PAGE_ORIENTATION_LANDSCAPE
                                                        : GTK_PAGE_ORIENTATION_PORTRAIT);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  gtk_print_operation_set_job_name (operation, job->title);
  g_signal_connect (operation, "begin-print", G_CALLBACK (begin_print_cb), job);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page_cb), job);

  result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                                    GTK_WINDOW (self), &error);
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Printing Failed"), error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
  atlas_export_job_free (job);
}

static void
print_clicked_cb (AtlasExportDialog *self)
{
  atlas_export_dialog_print (self);
}

/* Building */

static void
dpi_preset_changed_cb (AtlasExportDialog *self)
{
  guint i = adw_combo_row_get_selected (self->dpi_row);

  /* the spin button holds the chosen resolution, the one remembered */
  if (i < G_N_ELEMENTS (dpi_presets))
    gtk_spin_button_set_value (self->dpi_spin, dpi_presets[i]);
  settings_changed_cb (self);
}

static void
set_string_model (AdwComboRow        *row,
                  const char * const *items,
                  guint               n_items)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);

  for (guint i = 0; i < n_items; i++)
    gtk_string_list_append (list, items[i]);
  adw_combo_row_set_model (row, G_LIST_MODEL (list));
}

/* GSettings mappings: a string key to the index of a row's choice */

static gboolean
index_from_string (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  const char * const *ids = user_data;
  const char *id = g_variant_get_string (variant, NULL);

  for (guint i = 0; ids[i] != NULL; i++)
    if (g_str_equal (ids[i], id))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
string_from_index (const GValue       *value,
                   const GVariantType *expected_type,
                   gpointer            user_data)
{
  const char * const *ids = user_data;
  guint i = g_value_get_uint (value), n = g_strv_length ((char **) ids);

  return n > 0 ? g_variant_new_string (ids[MIN (i, n - 1)]) : NULL;
}

static gboolean
orientation_from_landscape (GValue   *value,
                            GVariant *variant,
                            gpointer  user_data)
{
  g_value_set_uint (value, g_variant_get_boolean (variant) ? 0 : 1);
  return TRUE;
}

static GVariant *
landscape_from_orientation (const GValue       *value,
                            const GVariantType *expected_type,
                            gpointer            user_data)
{
  return g_variant_new_boolean (g_value_get_uint (value) == 0);
}

static gboolean
value_from_dpi (GValue   *value,
                GVariant *variant,
                gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_int32 (variant));
  return TRUE;
}

static GVariant *
dpi_from_value (const GValue       *value,
                const GVariantType *expected_type,
                gpointer            user_data)
{
  return g_variant_new_int32 ((int) g_value_get_double (value));
}

static void
bind_settings (AtlasExportDialog *self)
{
  static const char * const format_ids[] = { "pdf", "svg", "png", NULL };
  static const char **paper_ids;

  if (g_once_init_enter (&paper_ids))
    {
      guint n_papers;
      const AtlasPaper *papers = atlas_papers_get_all (&n_papers);
      const char **ids = g_new0 (const char *, n_papers + 1);

      for (guint i = 0; i < n_papers; i++)
        ids[i] = papers[i].id;
      g_once_init_leave (&paper_ids, ids);
    }

  /* kept until the user exports or prints */
  g_settings_delay (self->settings);
  g_settings_bind_with_mapping (self->settings, "export-paper", self->paper_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, index_from_string, string_from_index,
                                (gpointer) paper_ids, NULL);
  g_settings_bind_with_mapping (self->settings, "export-landscape", self->orientation_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, orientation_from_landscape,
                                landscape_from_orientation, NULL, NULL);
  g_settings_bind_with_mapping (self->settings, "export-format", self->format_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, index_from_string, string_from_index,
                                (gpointer) format_ids, NULL);
  g_settings_bind_with_mapping (self->settings, "export-dpi", self->dpi_spin, "value",
                                G_SETTINGS_BIND_DEFAULT, value_from_dpi, dpi_from_value, NULL, NULL);
  g_settings_bind (self->settings, "export-title", self->title_row, "text", G_SETTINGS_BIND_DEFAULT);
  /* without a selection there is no text: the switch stays off and the choice is kept */
  if (self->selection != NULL)
    g_settings_bind (self->settings, "export-excerpt", self->excerpt_switch, "active",
                     G_SETTINGS_BIND_DEFAULT);
}

/* The choices that depend on the data, and the remembered settings. */
static void
build (AtlasExportDialog *self)
{
  guint n_papers, n_views;
  const AtlasPaper *papers = atlas_papers_get_all (&n_papers);
  const AtlasView *views = atlas_views_get_all (&n_views);
  GPtrArray *groups = atlas_overlays_get_groups (self->data->overlays);
  g_autoptr(GPtrArray) paper_names = g_ptr_array_new ();
  g_autoptr(GPtrArray) extent_names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) book_names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n_papers; i++)
    g_ptr_array_add (paper_names, (gpointer) papers[i].id);
  set_string_model (self->paper_row, (const char * const *) paper_names->pdata, n_papers);

  g_ptr_array_add (extent_names, g_strdup (_("The map’s current view")));
  for (guint i = 0; i < n_views; i++)
    g_ptr_array_add (extent_names, g_strdup (_(views[i].name)));
  set_string_model (self->extent_row, (const char * const *) extent_names->pdata, extent_names->len);

  gtk_widget_set_sensitive (GTK_WIDGET (self->excerpt_row), self->selection != NULL);
  if (self->selection != NULL)
    adw_action_row_set_subtitle (self->excerpt_row, self->selection->name_zh);

  g_ptr_array_add (book_names, g_strdup (_("No: one page")));
  for (guint i = 0; i < groups->len; i++)
    {
      AtlasOverlayGroup *g = g_ptr_array_index (groups, i);
      g_ptr_array_add (book_names, g_strdup_printf ("%s %s", g->name_zh, g->name_en));
    }
  set_string_model (self->book_row, (const char * const *) book_names->pdata, book_names->len);
  gtk_widget_set_sensitive (GTK_WIDGET (self->book_row), self->index != NULL);

  if (self->settings != NULL)
    bind_settings (self);
  else
    adw_combo_row_set_selected (self->paper_row, 1);
  set_dpi (self, (int) gtk_spin_button_get_value (self->dpi_spin));
  settings_changed_cb (self);
}

static void
atlas_export_dialog_dispose (GObject *object)
{
  AtlasExportDialog *self = ATLAS_EXPORT_DIALOG (object);

  g_clear_handle_id (&self->preview_id, g_source_remove);
  if (self->preview_cancellable != NULL)
    g_cancellable_cancel (self->preview_cancellable);
  g_clear_object (&self->preview_cancellable);
  g_clear_object (&self->preview_texture);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), ATLAS_TYPE_EXPORT_DIALOG);

  G_OBJECT_CLASS (atlas_export_dialog_parent_class)->dispose (object);
}

static void
atlas_export_dialog_finalize (GObject *object)
{
  AtlasExportDialog *self = ATLAS_EXPORT_DIALOG (object);

  g_clear_pointer (&self->visibility, atlas_visibility_unref);
  g_free (self->last_toast);
  g_clear_pointer (&self->user_layers, atlas_user_renderer_unref);
  g_clear_pointer (&self->basemap, atlas_raster_painter_unref);
  g_clear_pointer (&self->index, atlas_plan_index_unref);
  g_clear_pointer (&self->data, atlas_data_unref);

  G_OBJECT_CLASS (atlas_export_dialog_parent_class)->finalize (object);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static void
atlas_export_dialog_class_init (AtlasExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = atlas_export_dialog_dispose;
  object_class->finalize = atlas_export_dialog_finalize;
  gtk_widget_class_install_action (widget_class, "dialog.close", NULL, close_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "dialog.close", NULL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/capitalatlas/CapitalAtlas/ui/atlas-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, AtlasExportDialog, toasts);
  gtk_widget_class_bind_template_child (widget_class, AtlasExportDialog, export_button);
  gtk_widget_class_bind_template_child (widget_class, AtlasExportDialog, preview);
  gtk_widget_class_bind_template_child (widget_class, AtlasExportDialog, title_row);
  gtk_widget_class_bind_template_child (widget_class, AtlasExportDialog, subtitle_row);
  gtk_widget_class_bind_template_child (widget_class, AtlasExportDialog, paper_row);
  gtk_widget_class_bind_template_child (widget_class, AtlasExportDialog, orientation_row);
  gtk_widget_class_bind_template_child (widget_class, AtlasExportDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, AtlasExportDialog, dpi_row);
  gtk_widget_class_bind_template_child (widget_class, AtlasExportDialog, dpi_spin);
  gtk_widget_class_bind_template_child (widget_class, AtlasExportDialog, extent_row);
  gtk_widget_class_bind_template_child (widget_class, AtlasExportDialog, excerpt_row);
  gtk_widget_class_bind_template_child (widget_class, AtlasExportDialog, excerpt_switch);
  gtk_widget_class_bind_template_child (widget_class, AtlasExportDialog, book_row);
  gtk_widget_class_bind_template_callback (widget_class, export_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, print_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, settings_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, dpi_preset_changed_cb);
}

static void
atlas_export_dialog_init (AtlasExportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->preview), draw_preview_cb, self, NULL);
}

/**
 * atlas_export_dialog_new:
 * @data: (transfer none): the dialog keeps a reference
 * @index: (nullable): for excerpts and books; the dialog keeps a reference
 * @layers: the layers shown, copied
 * @view_extent: the map's current view, in world coordinates
 * @selection: (nullable): the selected area, for its text
 */
AtlasExportDialog *
atlas_export_dialog_new (GtkWindow       *parent,
                         AtlasData       *data,
                         AtlasPlanIndex  *index,
                         AtlasLayerState *layers,
                         AtlasRect        view_extent,
                         AtlasEntity     *selection)
{
  AtlasExportDialog *self = g_object_new (ATLAS_TYPE_EXPORT_DIALOG, "transient-for", parent, NULL);

  self->data = atlas_data_ref (data);
  self->index = index != NULL ? atlas_plan_index_ref (index) : NULL;
  self->visibility = atlas_layer_state_snapshot (layers);
  self->view_extent = view_extent;
  self->selection = selection;
  self->settings = atlas_settings_new ();
  build (self);
  return self;
}

/* For tests: the preview shows the current settings. */
gboolean
atlas_export_dialog_preview_ready (AtlasExportDialog *self)
{
  return self->preview_ready;
}

/* Types the page's title, as a user would. */
void
atlas_export_dialog_set_page_title (AtlasExportDialog *self,
                                    const char        *title)
{
  g_return_if_fail (ATLAS_IS_EXPORT_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->title_row), title);
}

/* The user's own layers ("My data"), drawn and listed in the legend. */
void
atlas_export_dialog_set_user_layers (AtlasExportDialog *self,
                                     gpointer           user_renderer)
{
  g_return_if_fail (ATLAS_IS_EXPORT_DIALOG (self));
  g_clear_pointer (&self->user_layers, atlas_user_renderer_unref);
  if (user_renderer != NULL)
    self->user_layers = atlas_user_renderer_ref (user_renderer);
}

/* The user's own base map (an AtlasRasterPainter), or NULL for the embedded one. */
void
atlas_export_dialog_set_basemap (AtlasExportDialog *self,
                                 gpointer           raster_painter)
{
  g_return_if_fail (ATLAS_IS_EXPORT_DIALOG (self));
  g_clear_pointer (&self->basemap, atlas_raster_painter_unref);
  if (raster_painter != NULL)
    self->basemap = atlas_raster_painter_ref (raster_painter);
}
