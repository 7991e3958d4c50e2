/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>

#include "em-error.h"
#include "em-wav.h"

#define WAV_MAX_CHANNELS 64
#define WAV_MAX_RATE 384000

#define WAV_TAG_PCM 0x0001
#define WAV_TAG_FLOAT 0x0003
#define WAV_TAG_EXTENSIBLE 0xFFFE

typedef enum {
  WAV_PCM8,
  WAV_PCM16,
  WAV_PCM24,
  WAV_PCM32,
  WAV_FLOAT32,
} WavFormat;

static const struct {
  const char *name; /* the sample's source format */
  guint16 tag;
  guint bits;
} wav_formats[] = {
  [WAV_PCM8] = { "wav:pcm8", WAV_TAG_PCM, 8 },
  [WAV_PCM16] = { "wav:pcm16", WAV_TAG_PCM, 16 },
  [WAV_PCM24] = { "wav:pcm24", WAV_TAG_PCM, 24 },
  [WAV_PCM32] = { "wav:pcm32", WAV_TAG_PCM, 32 },
  [WAV_FLOAT32] = { "wav:float32", WAV_TAG_FLOAT, 32 },
};

/* The 14 bytes that follow the 16-bit format tag in every KSDATAFORMAT_SUBTYPE
 * GUID of WAVE_FORMAT_EXTENSIBLE (…-0000-0010-8000-00AA00389B71). */
static const guint8 ks_guid_tail[14] = {
  0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71,
};

static guint16
rd16 (const guint8 *p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

static guint32
rd32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static const char *
tag_name (guint16 tag)
{
  switch (tag)
    {
    case 0x0002: return "MS ADPCM";
    case 0x0006: return "A-law";
    case 0x0007: return "mu-law";
    case 0x0011: return "IMA ADPCM";
    case 0x0031: return "GSM 6.10";
    case 0x0050: return "MPEG";
    case 0x0055: return "MP3";
    default: return NULL;
    }
}

static void
set_unsupported_tag (GError **error, guint16 tag)
{
  const char *name = tag_name (tag);

  if (name != NULL)
    g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED,
                 "unsupported WAV sample format: %s (format tag 0x%04x)", name, tag);
  else
    g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED,
                 "unsupported WAV sample format: format tag 0x%04x", tag);
}

typedef struct {
  WavFormat format;
  guint channels;
  guint rate;
  guint block_align;
} WavFmt;

/* Parses the body of a fmt chunk (@size bytes, already bounds-checked). */
static gboolean
parse_fmt (const guint8 *p, gsize size, WavFmt *out, GError **error)
{
  guint16 tag, channels, block_align, bits;
  guint32 rate;

  if (size < 16)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "invalid WAV: fmt chunk is %" G_GSIZE_FORMAT " bytes, expected at least 16", size);
      return FALSE;
    }
  tag = rd16 (p);
  channels = rd16 (p + 2);
  rate = rd32 (p + 4);
  /* p + 8 is the byte rate: writers often get it wrong and nothing needs it. */
  block_align = rd16 (p + 12);
  bits = rd16 (p + 14);

  if (tag == WAV_TAG_EXTENSIBLE)
    {
      guint16 cb_size, valid_bits;

      if (size < 40 || (cb_size = rd16 (p + 16)) < 22)
        {
          g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                               "invalid WAV: WAVE_FORMAT_EXTENSIBLE fmt chunk too short");
          return FALSE;
        }
      valid_bits = rd16 (p + 18);
      if (memcmp (p + 26, ks_guid_tail, sizeof ks_guid_tail) != 0)
        {
          g_set_error_literal (error, EM_ERROR, EM_ERROR_UNSUPPORTED,
                               "unsupported WAV sample format: unknown WAVE_FORMAT_EXTENSIBLE subformat");
          return FALSE;
        }
      tag = rd16 (p + 24);
      if (tag == WAV_TAG_EXTENSIBLE)
        {
          set_unsupported_tag (error, tag);
          return FALSE;
        }
      /* Fewer valid bits than the container (20 in 24, say) are left-justified,
       * so reading the whole container gives the right value; more is nonsense. */
      if (valid_bits > bits)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                       "invalid WAV: %u valid bits in a %u-bit container", valid_bits, bits);
          return FALSE;
        }
    }

  if (tag == WAV_TAG_PCM)
    {
      switch (bits)
        {
        case 8: out->format = WAV_PCM8; break;
        case 16: out->format = WAV_PCM16; break;
        case 24: out->format = WAV_PCM24; break;
        case 32: out->format = WAV_PCM32; break;
        default:
          g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED,
                       "unsupported WAV sample format: %u-bit PCM", bits);
          return FALSE;
        }
    }
  else if (tag == WAV_TAG_FLOAT)
    {
      if (bits != 32)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED,
                       "unsupported WAV sample format: %u-bit float", bits);
          return FALSE;
        }
      out->format = WAV_FLOAT32;
    }
  else
    {
      set_unsupported_tag (error, tag);
      return FALSE;
    }

  if (channels == 0)
    {
      g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_DATA, "invalid WAV: 0 channels");
      return FALSE;
    }
  if (channels > WAV_MAX_CHANNELS)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED,
                   "unsupported WAV: %u channels (at most %d)", channels, WAV_MAX_CHANNELS);
      return FALSE;
    }
  if (rate == 0)
    {
      g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_DATA, "invalid WAV: sample rate 0");
      return FALSE;
    }
  if (rate > WAV_MAX_RATE)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED,
                   "unsupported WAV: sample rate %u Hz (at most %d)", rate, WAV_MAX_RATE);
      return FALSE;
    }
  /* Frames are located by block align, so a wrong one would silently
   * misread every frame: refuse it rather than guess. */
  if (block_align != channels * (bits / 8))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "invalid WAV: block align %u does not match %u channels of %u bits",
                   block_align, channels, bits);
      return FALSE;
    }
  out->channels = channels;
  out->rate = rate;
  out->block_align = block_align;
  return TRUE;
}

static gboolean
decode_frames (const guint8 *p, const WavFmt *fmt, gsize n_frames, float *out, GError **error)
{
  gsize n = n_frames * fmt->channels;

  switch (fmt->format)
    {
    case WAV_PCM8:
      for (gsize i = 0; i < n; i++)
        out[i] = (float) ((int) p[i] - 128) / 128.0f;
      break;
    case WAV_PCM16:
      for (gsize i = 0; i < n; i++)
        out[i] = (float) (gint16) rd16 (p + 2 * i) / 32768.0f;
      break;
    case WAV_PCM24:
      for (gsize i = 0; i < n; i++)
        {
          const guint8 *q = p + 3 * i;
          /* Put the 24 bits at the top of an int32 and shift back to sign-extend. */
          gint32 v = (gint32) (((guint32) q[0] << 8) | ((guint32) q[1] << 16) | ((guint32) q[2] << 24)) >> 8;
          out[i] = (float) v / 8388608.0f;
        }
      break;
    case WAV_PCM32:
      for (gsize i = 0; i < n; i++)
        out[i] = (float) ((double) (gint32) rd32 (p + 4 * i) / 2147483648.0);
      break;
    case WAV_FLOAT32:
      for (gsize i = 0; i < n; i++)
        {
          union { guint32 u; float f; } v = { .u = rd32 (p + 4 * i) };
          if (!isfinite (v.f))
            {
              g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                           "invalid WAV: %s at frame %" G_GSIZE_FORMAT ", channel %" G_GSIZE_FORMAT,
                           isnan (v.f) ? "NaN" : "infinite value", i / fmt->channels, i % fmt->channels);
              return FALSE;
            }
          out[i] = v.f;
        }
      break;
    default:
      g_assert_not_reached ();
    }
  return TRUE;
}

EmSample *
em_wav_read (GBytes *bytes, GError **error)
{
  gsize len = 0;
  const guint8 *data;
  gsize pos;
  WavFmt fmt = { 0 };
  gboolean have_fmt = FALSE;
  const guint8 *pcm = NULL;
  gsize pcm_len = 0;
  gboolean have_data = FALSE;
  gboolean cut_short = FALSE; /* the file ends inside a chunk header or body */
  gsize n_frames;
  g_autofree float *values = NULL;
  g_autoptr(EmSample) sample = NULL;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &len);
  if (len == 0)
    {
      g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_DATA, "empty file");
      return NULL;
    }
  if (len >= 4 && (memcmp (data, "RIFX", 4) == 0 || memcmp (data, "RF64", 4) == 0))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED, "unsupported WAV variant: %.4s", data);
      return NULL;
    }
  if (len < 12)
    {
      if (memcmp (data, "RIFF", MIN (len, 4)) == 0)
        g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_DATA, "truncated WAV: header incomplete");
      else
        g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_DATA, "not a WAV file (no RIFF/WAVE header)");
      return NULL;
    }
  if (memcmp (data, "RIFF", 4) != 0 || memcmp (data + 8, "WAVE", 4) != 0)
    {
      g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_DATA, "not a WAV file (no RIFF/WAVE header)");
      return NULL;
    }

  /* The RIFF size field is ignored: streaming writers leave it 0 or
   * 0xFFFFFFFF, so the file length is the only bound to trust. */
  pos = 12;
  while (!(have_fmt && have_data))
    {
      guint32 chunk_size;
      const guint8 *id;
      gsize avail;

      if (len - pos < 8)
        {
          cut_short = pos < len;
          break;
        }
      id = data + pos;
      chunk_size = rd32 (data + pos + 4);
      pos += 8;
      avail = len - pos;

      if (memcmp (id, "fmt ", 4) == 0 && !have_fmt)
        {
          if (chunk_size > avail)
            {
              g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                                   "truncated WAV: fmt chunk incomplete");
              return NULL;
            }
          if (!parse_fmt (data + pos, chunk_size, &fmt, error))
            return NULL;
          have_fmt = TRUE;
        }
      else if (memcmp (id, "data", 4) == 0 && !have_data)
        {
          /* espeak-ng and other streaming writers put a placeholder length
           * here (0, or a huge value such as 0x7ffff000): then what is in
           * the file is the data. Any other length the file does not hold
           * means the file was cut short. */
          gboolean placeholder = chunk_size == 0 || chunk_size >= 0x7fff0000u;
          if (chunk_size > avail && !placeholder)
            {
              g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                           "truncated WAV: data chunk declares %u bytes, the file holds %" G_GSIZE_FORMAT,
                           (guint) chunk_size, avail);
              return NULL;
            }
          pcm = data + pos;
          pcm_len = placeholder ? avail : MIN ((gsize) chunk_size, avail);
          have_data = TRUE;
          if (placeholder)
            break;
        }
      /* Other chunks (LIST, fact, cue, bext, a second fmt...) are skipped. */
      if (chunk_size > avail)
        {
          cut_short = TRUE;
          break;
        }
      pos += chunk_size;
      /* Chunks are padded to even length; a missing final pad byte is harmless. */
      if ((chunk_size & 1) != 0 && pos < len)
        pos++;
    }

  if (!have_fmt)
    {
      g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                           cut_short ? "truncated WAV: no fmt chunk" : "invalid WAV: no fmt chunk");
      return NULL;
    }
  if (!have_data)
    {
      g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_DATA, "truncated WAV: no data chunk");
      return NULL;
    }
  if (pcm_len % fmt.block_align != 0)
    {
      g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_DATA, "truncated WAV: data chunk ends mid-frame");
      return NULL;
    }
  n_frames = pcm_len / fmt.block_align;
  if (n_frames == 0)
    {
      g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_DATA, "invalid WAV: data chunk holds no audio");
      return NULL;
    }

  /* pcm_len is bounded by the file length, so this is at most 4 × the file. */
  values = g_try_new (float, n_frames * fmt.channels);
  if (values == NULL)
    {
      g_set_error_literal (error, EM_ERROR, EM_ERROR_FAILED, "out of memory decoding WAV");
      return NULL;
    }
  if (!decode_frames (pcm, &fmt, n_frames, values, error))
    return NULL;

  sample = em_sample_new ();
  em_sample_set_kind (sample, EM_SENSOR_AUDIO);
  em_sample_set_interval_ms (sample, 1000.0 / fmt.rate);
  if (fmt.channels == 1)
    em_sample_add_axis (sample, "audio", "wav");
  else
    for (guint c = 0; c < fmt.channels; c++)
      {
        g_autofree char *name = g_strdup_printf ("ch%u", c);
        em_sample_add_axis (sample, name, "wav");
      }
  em_sample_set_values (sample, values, n_frames);
  em_sample_set_source_format (sample, wav_formats[fmt.format].name);
  return g_steal_pointer (&sample);
}

static void
put16 (GByteArray *out, guint16 v)
{
  guint8 b[2] = { v & 0xff, v >> 8 };
  g_byte_array_append (out, b, 2);
}

static void
put32 (GByteArray *out, guint32 v)
{
  guint8 b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };
  g_byte_array_append (out, b, 4);
}

/* Round half away from zero and clip to the integer range of @bits. */
static gint32
quantize (float v, guint bits)
{
  double scale = ldexp (1.0, (int) bits - 1);
  double q = round ((double) v * scale);

  if (q > scale - 1)
    q = scale - 1;
  if (q < -scale)
    q = -scale;
  return (gint32) q;
}

GBytes *
em_wav_write (EmSample *sample, const char *source_format, GError **error)
{
  const char *fmt_name = source_format;
  WavFormat format = WAV_PCM16;
  gboolean found = FALSE;
  const float *values;
  guint64 n_values = 0;
  guint channels;
  guint64 n_frames;
  double rate_f;
  guint rate;
  guint bytes_per_sample, block_align;
  guint64 data_size;
  gboolean extensible;
  gboolean is_float;
  guint fmt_size;
  guint64 riff_size;
  g_autoptr(GByteArray) out = NULL;

  g_return_val_if_fail (EM_IS_SAMPLE (sample), NULL);

  if (fmt_name == NULL)
    {
      fmt_name = em_sample_get_source_format (sample);
      /* A sample from a CSV or EI file has no WAV format of its own. */
      if (fmt_name == NULL || !g_str_has_prefix (fmt_name, "wav:"))
        fmt_name = "wav:pcm16";
    }
  for (guint i = 0; i < G_N_ELEMENTS (wav_formats); i++)
    if (strcmp (fmt_name, wav_formats[i].name) == 0)
      {
        format = (WavFormat) i;
        found = TRUE;
      }
  if (!found)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "unknown WAV format '%s'", fmt_name);
      return NULL;
    }

  channels = em_sample_get_n_axes (sample);
  values = em_sample_get_values (sample, &n_values);
  if (values == NULL || channels == 0)
    {
      g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                           "cannot write WAV: the sample has no float values");
      return NULL;
    }
  if (channels > WAV_MAX_CHANNELS)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED,
                   "cannot write WAV: %u axes (at most %d channels)", channels, WAV_MAX_CHANNELS);
      return NULL;
    }
  if (n_values == 0 || n_values % channels != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "cannot write WAV: %" G_GUINT64_FORMAT " values do not make whole frames of %u axes",
                   n_values, channels);
      return NULL;
    }
  n_frames = n_values / channels;

  rate_f = em_sample_get_interval_ms (sample) > 0 ? 1000.0 / em_sample_get_interval_ms (sample) : 0;
  rate = (guint) MIN (round (rate_f), (double) G_MAXUINT);
  if (rate < 1 || rate > WAV_MAX_RATE)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "cannot write WAV: sample rate %g Hz is outside 1 to %d Hz", rate_f, WAV_MAX_RATE);
      return NULL;
    }

  for (guint64 i = 0; i < n_values; i++)
    if (!isfinite (values[i]))
      {
        g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                     "cannot write WAV: value at frame %" G_GUINT64_FORMAT " is not finite", i / channels);
        return NULL;
      }

  bytes_per_sample = wav_formats[format].bits / 8;
  block_align = channels * bytes_per_sample;
  is_float = format == WAV_FLOAT32;
  /* Microsoft asks for WAVE_FORMAT_EXTENSIBLE beyond 2 channels or 16 bits;
   * plain tags keep the common mono/stereo 8/16-bit files readable anywhere.
   * Float always uses the plain tag, as sox does: some readers (sox among
   * them) stumble over an extensible float header. */
  extensible = !is_float && (channels > 2 || wav_formats[format].bits > 16);
  fmt_size = extensible ? 40 : is_float ? 18 : 16;
  data_size = n_frames * block_align;
  riff_size = 4 + (8 + fmt_size) + (is_float ? 12 : 0) + 8 + data_size + (data_size & 1);
  if (riff_size > G_MAXUINT32)
    {
      g_set_error_literal (error, EM_ERROR, EM_ERROR_UNSUPPORTED,
                           "cannot write WAV: more than 4 GiB of audio");
      return NULL;
    }

  out = g_byte_array_sized_new ((guint) MIN (riff_size + 8, G_MAXUINT32));
  g_byte_array_append (out, (const guint8 *) "RIFF", 4);
  put32 (out, (guint32) riff_size);
  g_byte_array_append (out, (const guint8 *) "WAVEfmt ", 8);
  put32 (out, fmt_size);
  put16 (out, extensible ? WAV_TAG_EXTENSIBLE : wav_formats[format].tag);
  put16 (out, (guint16) channels);
  put32 (out, rate);
  put32 (out, rate * block_align);
  put16 (out, (guint16) block_align);
  put16 (out, (guint16) wav_formats[format].bits);
  if (extensible)
    {
      put16 (out, 22);
      put16 (out, (guint16) wav_formats[format].bits);
      /* Speaker positions for mono and stereo; unassigned otherwise. */
      put32 (out, channels == 1 ? 0x4 : channels == 2 ? 0x3 : 0);
      put16 (out, wav_formats[format].tag);
      g_byte_array_append (out, ks_guid_tail, sizeof ks_guid_tail);
    }
  else if (is_float)
    put16 (out, 0);
  if (is_float)
    {
      /* Non-PCM files must carry a fact chunk with the frame count. */
      g_byte_array_append (out, (const guint8 *) "fact", 4);
      put32 (out, 4);
      put32 (out, (guint32) MIN (n_frames, G_MAXUINT32));
    }
  g_byte_array_append (out, (const guint8 *) "data", 4);
  put32 (out, (guint32) data_size);

  for (guint64 i = 0; i < n_values; i++)
    {
      float v = values[i];
      gint32 q;
      guint8 b[4];

      switch (format)
        {
        case WAV_PCM8:
          b[0] = (guint8) (quantize (v, 8) + 128);
          g_byte_array_append (out, b, 1);
          break;
        case WAV_PCM16:
          put16 (out, (guint16) quantize (v, 16));
          break;
        case WAV_PCM24:
          q = quantize (v, 24);
          b[0] = (guint32) q & 0xff;
          b[1] = ((guint32) q >> 8) & 0xff;
          b[2] = ((guint32) q >> 16) & 0xff;
          g_byte_array_append (out, b, 3);
          break;
        case WAV_PCM32:
          put32 (out, (guint32) quantize (v, 32));
          break;
        case WAV_FLOAT32:
          {
            union { float f; guint32 u; } u = { .f = v };
            put32 (out, u.u);
          }
          break;
        default:
          g_assert_not_reached ();
        }
    }
  if (data_size & 1)
    g_byte_array_append (out, (const guint8 *) "", 1);

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
