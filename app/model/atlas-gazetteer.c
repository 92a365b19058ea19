/* atlas-gazetteer.c — the named places of the plan (maps/gazetteer.tsv)
 *
 * Columns: id name_zh name_en kind lon lat county_code plan_ref note
 */

#include "atlas-gazetteer.h"

#include <math.h>

#include "atlas-basemap.h"
#include "atlas-data-error.h"

struct _AtlasGazetteer
{
  GObject     parent_instance;
  GArray     *places;   /* AtlasPlace */
  GHashTable *index;    /* id → index + 1 */
};

G_DEFINE_FINAL_TYPE (AtlasGazetteer, atlas_gazetteer, G_TYPE_OBJECT)

static void
clear_place (gpointer data)
{
  AtlasPlace *p = data;

  g_free (p->id);
  g_free (p->name_zh);
  g_free (p->name_en);
  g_free (p->kind);
}

static void
atlas_gazetteer_finalize (GObject *object)
{
  AtlasGazetteer *self = ATLAS_GAZETTEER (object);

  g_clear_pointer (&self->index, g_hash_table_unref);
  g_clear_pointer (&self->places, g_array_unref);

  G_OBJECT_CLASS (atlas_gazetteer_parent_class)->finalize (object);
}

static void
atlas_gazetteer_class_init (AtlasGazetteerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = atlas_gazetteer_finalize;
}

static void
atlas_gazetteer_init (AtlasGazetteer *self)
{
  self->places = g_array_new (FALSE, TRUE, sizeof (AtlasPlace));
  g_array_set_clear_func (self->places, clear_place);
  self->index = g_hash_table_new (g_str_hash, g_str_equal);
}

static gboolean
parse_row (char       **f,
           AtlasPlace  *p)
{
  char *end;
  guint64 code = 0;

  if (f[0][0] == '\0' || f[1][0] == '\0')
    return FALSE;
  p->lon = g_ascii_strtod (f[4], &end);
  if (end == f[4] || *end != '\0' || !isfinite (p->lon) || fabs (p->lon) > 180)
    return FALSE;
  p->lat = g_ascii_strtod (f[5], &end);
  if (end == f[5] || *end != '\0' || !isfinite (p->lat) || fabs (p->lat) > 85)
    return FALSE;
  if (f[6][0] != '\0' && !g_ascii_string_to_unsigned (f[6], 10, 0, 999999, &code, NULL))
    return FALSE;

  p->id = g_strdup (f[0]);
  p->name_zh = g_strdup (f[1]);
  p->name_en = g_strdup (f[2]);
  p->kind = g_strdup (f[3]);
  p->county_code = code;
  return TRUE;
}

/**
 * atlas_gazetteer_new_from_bytes:
 * @name: the file's name, for messages
 *
 * Returns: (transfer full) (nullable): the gazetteer, or %NULL with @error set
 */
AtlasGazetteer *
atlas_gazetteer_new_from_bytes (GBytes      *bytes,
                                const char  *name,
                                GError     **error)
{
  g_autoptr(AtlasGazetteer) self = g_object_new (ATLAS_TYPE_GAZETTEER, NULL);
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  g_autofree char *text = g_strndup (data, size);
  g_auto(GStrv) lines = NULL;

  if (!atlas_check_text (data, size, name, ATLAS_DATA_ERROR, ATLAS_DATA_ERROR_CORRUPT, error))
    return NULL;

  /* the shipped gazetteer has 240 places */
  if (!atlas_check_rows (data, size, name, ATLAS_DATA_ERROR, ATLAS_DATA_ERROR_TOO_LARGE, error))
    return NULL;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 1; lines[0] != NULL && lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      AtlasPlace place = { 0 };

      g_strchomp (lines[i]);
      if (lines[i][0] == '\0')
        continue;
      fields = g_strsplit (lines[i], "\t", -1);
      if (g_strv_length (fields) < 7 || !parse_row (fields, &place))
        {
          g_set_error (error, ATLAS_DATA_ERROR, ATLAS_DATA_ERROR_CORRUPT,
                       "%s: line %u is malformed", name, i + 1);
          return NULL;
        }
      if (g_hash_table_contains (self->index, place.id))
        {
          g_set_error (error, ATLAS_DATA_ERROR, ATLAS_DATA_ERROR_CORRUPT,
                       "%s: line %u: the id “%s” is used twice", name, i + 1, place.id);
          clear_place (&place);
          return NULL;
        }
      g_array_append_val (self->places, place);
      g_hash_table_insert (self->index, place.id, GUINT_TO_POINTER (self->places->len));
    }

  if (self->places->len == 0)
    {
      g_set_error (error, ATLAS_DATA_ERROR, ATLAS_DATA_ERROR_CORRUPT, "%s: no places", name);
      return NULL;
    }

  return g_steal_pointer (&self);
}

const AtlasPlace *
atlas_gazetteer_lookup (AtlasGazetteer *self,
                        const char     *id)
{
  guint i = GPOINTER_TO_UINT (g_hash_table_lookup (self->index, id));

  return i ? &g_array_index (self->places, AtlasPlace, i - 1) : NULL;
}

const AtlasPlace *
atlas_gazetteer_get_places (AtlasGazetteer *self,
                            guint          *n_places)
{
  *n_places = self->places->len;
  return (const AtlasPlace *) self->places->data;
}
