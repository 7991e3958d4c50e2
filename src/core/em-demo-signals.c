/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>

#include "em-demo-signals.h"

#define STANDARD_GRAVITY 9.80665
#define DEG (G_PI / 180.0)
#define PINK_ROWS 16

static inline double
uniform (GRand *rand, double lo, double hi)
{
  return g_rand_double_range (rand, lo, hi);
}

/* Standard normal by Box–Muller; GRand has none. One of the pair is thrown
 * away so the stream of draws does not depend on hidden state. */
static double
gauss (GRand *rand)
{
  double u1 = 1.0 - g_rand_double (rand); /* (0, 1]: log() stays finite */
  double u2 = g_rand_double (rand);

  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

static double
db_to_amp (double db)
{
  return pow (10.0, db / 20.0);
}

static void
remove_mean_normalize (float *x, gsize n)
{
  double mean = 0, energy = 0;

  if (n == 0)
    return;
  for (gsize i = 0; i < n; i++)
    mean += x[i];
  mean /= (double) n;
  for (gsize i = 0; i < n; i++)
    {
      x[i] = (float) (x[i] - mean);
      energy += (double) x[i] * x[i];
    }
  if (energy > 0)
    {
      double scale = 1.0 / sqrt (energy / (double) n);
      for (gsize i = 0; i < n; i++)
        x[i] = (float) (x[i] * scale);
    }
}

/* Voss–McCartney: row r is redrawn every 2^r samples, so the sum has about
 * equal energy per octave (a 1/f spectrum) over PINK_ROWS octaves. */
static void
pink_noise (float *out, gsize n, GRand *rand)
{
  double rows[PINK_ROWS];
  double sum = 0;

  for (guint r = 0; r < PINK_ROWS; r++)
    {
      rows[r] = gauss (rand);
      sum += rows[r];
    }
  for (gsize i = 0; i < n; i++)
    {
      /* the lowest set bit of the counter picks the row, so row r changes
       * every 2^(r+1) samples */
      gint r = g_bit_nth_lsf ((gulong) (i + 1), -1);

      if (r >= 0 && r < PINK_ROWS)
        {
          sum -= rows[r];
          rows[r] = gauss (rand);
          sum += rows[r];
        }
      out[i] = (float) (sum + gauss (rand));
    }
}

/* Leaky integration of white noise: a 1/f² rumble like distant traffic or
 * ventilation. The leak keeps it from wandering off; starting from the
 * stationary spread avoids a fade-in. */
static void
brown_noise (float *out, gsize n, double rate_hz, GRand *rand)
{
  double leak = exp (-2.0 * G_PI * 20.0 / rate_hz); /* corner near 20 Hz */
  double drive = sqrt (1.0 - leak * leak);
  double b = gauss (rand);

  for (gsize i = 0; i < n; i++)
    {
      b = leak * b + drive * gauss (rand);
      out[i] = (float) b;
    }
}

void
em_demo_noise (float *out, gsize n, double rate_hz, GRand *rand, GString *desc)
{
  double bed = g_rand_double (rand);
  const char *bed_name;

  g_return_if_fail (out != NULL && rate_hz > 0 && rand != NULL);

  if (bed < 0.45)
    {
      pink_noise (out, n, rand);
      bed_name = "pink";
    }
  else if (bed < 0.85)
    {
      brown_noise (out, n, rate_hz, rand);
      /* pure 1/f² is almost inaudible on small speakers; real rooms add a
       * little broadband hiss on top */
      for (gsize i = 0; i < n; i++)
        out[i] = (float) (out[i] + 0.05 * gauss (rand));
      bed_name = "brown";
    }
  else
    {
      for (gsize i = 0; i < n; i++)
        out[i] = (float) gauss (rand);
      bed_name = "white";
    }
  remove_mean_normalize (out, n);
  if (desc != NULL)
    g_string_append (desc, bed_name);

  /* Mains hum from a badly grounded microphone preamp: the fundamental
   * plus the odd harmonics a rectifier adds, slightly off nominal. */
  if (g_rand_double (rand) < 0.5)
    {
      double mains = g_rand_boolean (rand) ? 50.0 : 60.0;
      double f = mains * (1.0 + uniform (rand, -0.002, 0.002));
      double amp[4] = { 1.0, uniform (rand, 0.1, 0.6), uniform (rand, 0.1, 0.5),
                        uniform (rand, 0.0, 0.3) };
      const double mult[4] = { 1, 2, 3, 5 };
      double phase[4];
      double power = 0, scale;

      for (guint h = 0; h < 4; h++)
        {
          phase[h] = uniform (rand, 0, 2 * G_PI);
          power += amp[h] * amp[h] / 2.0;
        }
      scale = db_to_amp (uniform (rand, -20.0, 3.0)) / sqrt (power);
      for (gsize i = 0; i < n; i++)
        {
          double t = (double) i / rate_hz, v = 0;
          for (guint h = 0; h < 4; h++)
            v += amp[h] * sin (2 * G_PI * mult[h] * f * t + phase[h]);
          out[i] = (float) (out[i] + scale * v);
        }
      if (desc != NULL)
        g_string_append_printf (desc, "+hum%d", (int) mains);
    }

  /* Clicks: handling noise, a relay, a keyboard. Poisson arrivals; each a
   * fast decaying impulse, half of them ringing like a small resonance. */
  if (g_rand_double (rand) < 0.4)
    {
      double per_second = uniform (rand, 0.5, 4.0);
      double t = -log (1.0 - g_rand_double (rand)) / per_second;
      double duration = (double) n / rate_hz;
      guint count = 0;

      while (t < duration)
        {
          gsize start = (gsize) (t * rate_hz);
          double amp = uniform (rand, 3.0, 10.0) * (g_rand_boolean (rand) ? 1 : -1);
          double tau = uniform (rand, 0.3e-3, 3e-3) * rate_hz;
          double ring = g_rand_boolean (rand) ? uniform (rand, 1000.0, 4000.0) : 0.0;
          gsize len = (gsize) (6 * tau) + 1;

          for (gsize k = 0; k < len && start + k < n; k++)
            {
              double e = amp * exp (-(double) k / tau);
              if (ring > 0)
                e *= cos (2 * G_PI * ring * (double) k / rate_hz);
              out[start + k] = (float) (out[start + k] + e);
            }
          count++;
          t += -log (1.0 - g_rand_double (rand)) / per_second;
        }
      if (desc != NULL && count > 0)
        g_string_append (desc, "+clicks");
    }
  remove_mean_normalize (out, n);
}

/* Round to what a 16-bit PCM file can hold, so a pcm16 export round-trips. */
static void
to_pcm16_grid (float *x, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      double v = nearbyint ((double) x[i] * 32768.0);
      x[i] = (float) (CLAMP (v, -32768.0, 32767.0) / 32768.0);
    }
}

gboolean
em_demo_mix_keyword (float *clip, gsize n, double rate_hz, double offset_u, double level_db,
                     double snr_db, GRand *rand, GString *desc)
{
  g_autofree float *speech = NULL;
  g_autofree float *noise = NULL;
  double peak = 0, energy = 0, rms, gain, noise_scale;
  gsize first = 0, last = 0, len, room, lo, hi, dest, pre, post, margin;
  gboolean found = FALSE;

  g_return_val_if_fail (clip != NULL && n > 0 && rate_hz > 0 && rand != NULL, FALSE);

  for (gsize i = 0; i < n; i++)
    peak = MAX (peak, fabs ((double) clip[i]));
  if (peak < 1e-4)
    return FALSE;

  /* The word's extent: where it rises above 5 % of its peak, widened a
   * little so soft onsets and the tail are kept. */
  for (gsize i = 0; i < n; i++)
    if (fabs ((double) clip[i]) > 0.05 * peak)
      {
        if (!found)
          first = i;
        last = i;
        found = TRUE;
      }
  pre = (gsize) (0.01 * rate_hz);
  post = (gsize) (0.03 * rate_hz);
  first = first > pre ? first - pre : 0;
  last = MIN (n - 1, last + post);
  len = last - first + 1;

  energy = 0;
  for (gsize i = first; i <= last; i++)
    energy += (double) clip[i] * clip[i];
  rms = sqrt (energy / (double) len);

  /* Leave 50 ms at either end when there is room, so the word is never cut
   * at a window edge by the placement alone. */
  room = n - len;
  margin = (gsize) (0.05 * rate_hz);
  lo = MIN (margin, room);
  hi = room > lo + margin ? room - margin : lo;
  dest = lo + (gsize) (CLAMP (offset_u, 0.0, 1.0) * (double) (hi - lo));
  dest = MIN (dest, room);

  gain = db_to_amp (level_db) / rms;
  /* a quiet voice with a sharp peak must not clip: keep peaks under -1 dBFS */
  gain = MIN (gain, 0.89 / peak);

  speech = g_new0 (float, n);
  for (gsize i = 0; i < len; i++)
    speech[dest + i] = (float) (clip[first + i] * gain);

  noise = g_new (float, n);
  em_demo_noise (noise, n, rate_hz, rand, desc);
  noise_scale = rms * gain / db_to_amp (snr_db);
  for (gsize i = 0; i < n; i++)
    clip[i] = (float) (speech[i] + noise_scale * noise[i]);
  to_pcm16_grid (clip, n);
  return TRUE;
}

void
em_demo_noise_clip (float *clip, gsize n, double rate_hz, double level_db, GRand *rand,
                    GString *desc)
{
  double scale = db_to_amp (level_db);

  em_demo_noise (clip, n, rate_hz, rand, desc);
  for (gsize i = 0; i < n; i++)
    clip[i] = (float) (clip[i] * scale);
  to_pcm16_grid (clip, n);
}

const char *
em_demo_motion_label (EmDemoMotion motion)
{
  static const char *const labels[] = { "idle", "wave", "updown", "snake" };

  g_return_val_if_fail (motion < EM_DEMO_MOTION_N_CLASSES, NULL);
  return labels[motion];
}

/* A periodic gesture is rarely a clean sine: the arm accelerates harder one
 * way than the other, which shows up as 2nd and 3rd harmonics. */
typedef struct {
  double freq, amp;          /* Hz, m/s² */
  double h2, h3, th2, th3;   /* harmonic levels and phases */
  double cross, cross_phase; /* leakage into a perpendicular axis */
  double zmod, zmod_phase;   /* wrist rotation seen on the gravity axis */
  double ratio, dir;         /* snake: ellipse aspect and turning sense */
  double env_depth, env_period, env_phase;
} Gesture;

static double
harmonics (const Gesture *g, double phi)
{
  return sin (phi) + g->h2 * sin (2 * phi + g->th2) + g->h3 * sin (3 * phi + g->th3);
}

void
em_demo_motion (float *out, guint n_frames, double rate_hz, EmDemoMotion motion, GRand *rand)
{
  Gesture g = { 0 };
  double sigma, roll0, pitch0, yaw, drift_amp, drift_period, drift_phase[2];
  double bias[3], phi, jitter = 0, jitter_sigma, tremor[3] = { 0 }, tremor_leak;
  guint n_spikes;

  g_return_if_fail (out != NULL && rate_hz > 0 && motion < EM_DEMO_MOTION_N_CLASSES);

  /* Per recording: how the board sits in the hand, how noisy the part is. */
  sigma = uniform (rand, 0.05, 0.2);
  roll0 = uniform (rand, -12, 12) * DEG;
  pitch0 = uniform (rand, -12, 12) * DEG;
  yaw = uniform (rand, -25, 25) * DEG;
  drift_amp = (motion == EM_DEMO_MOTION_IDLE ? uniform (rand, 0.5, 3.0)
                                             : uniform (rand, 0.2, 1.5)) * DEG;
  drift_period = uniform (rand, 4.0, 20.0);
  drift_phase[0] = uniform (rand, 0, 2 * G_PI);
  drift_phase[1] = uniform (rand, 0, 2 * G_PI);
  for (guint a = 0; a < 3; a++)
    bias[a] = 0.05 * gauss (rand);
  phi = uniform (rand, 0, 2 * G_PI);
  jitter_sigma = uniform (rand, 0.003, 0.01);
  tremor_leak = exp (-2 * G_PI * 8.0 / rate_hz);

  switch (motion)
    {
    case EM_DEMO_MOTION_IDLE:
      break;
    case EM_DEMO_MOTION_WAVE:
      g.freq = uniform (rand, 1.5, 3.0);
      g.amp = uniform (rand, 3.0, 9.0);
      g.zmod = uniform (rand, 0.3, 1.5);
      break;
    case EM_DEMO_MOTION_UPDOWN:
      g.freq = uniform (rand, 1.0, 2.0);
      g.amp = uniform (rand, 3.0, 8.0);
      g.zmod = 0;
      break;
    case EM_DEMO_MOTION_SNAKE:
      g.freq = uniform (rand, 0.5, 1.5);
      g.amp = uniform (rand, 2.0, 6.0);
      g.ratio = uniform (rand, 0.6, 1.0);
      g.dir = g_rand_boolean (rand) ? 1.0 : -1.0;
      g.zmod = uniform (rand, 0.1, 0.5);
      break;
    default:
      g_assert_not_reached ();
    }
  g.h2 = uniform (rand, 0.1, 0.35);
  g.h3 = uniform (rand, 0.03, 0.15);
  g.th2 = uniform (rand, 0, 2 * G_PI);
  g.th3 = uniform (rand, 0, 2 * G_PI);
  g.cross = uniform (rand, 0.05, 0.25);
  g.cross_phase = uniform (rand, 0, 2 * G_PI);
  g.zmod_phase = uniform (rand, 0, 2 * G_PI);
  g.env_depth = uniform (rand, 0.05, 0.25);
  g.env_period = uniform (rand, 3.0, 10.0);
  g.env_phase = uniform (rand, 0, 2 * G_PI);

  for (guint k = 0; k < n_frames; k++)
    {
      double t = k / rate_hz;
      double env = g.amp * (1 + g.env_depth * sin (2 * G_PI * t / g.env_period + g.env_phase));
      double m[3] = { 0, 0, 0 }, s[3], roll, pitch, x, y, z;

      /* The tempo wanders: a mean-reverting random walk of a few percent. */
      jitter += -0.05 * jitter + jitter_sigma * gauss (rand);
      jitter = CLAMP (jitter, -0.1, 0.1);
      phi += 2 * G_PI * g.freq * (1 + jitter) / rate_hz;

      switch (motion)
        {
        case EM_DEMO_MOTION_IDLE:
          break;
        case EM_DEMO_MOTION_WAVE:
          m[0] = env * harmonics (&g, phi);
          m[1] = g.cross * env * sin (phi + g.cross_phase);
          m[2] = g.zmod * sin (2 * phi + g.zmod_phase);
          break;
        case EM_DEMO_MOTION_UPDOWN:
          m[2] = env * harmonics (&g, phi);
          m[0] = g.cross * env * sin (phi + g.cross_phase);
          m[1] = 0.5 * g.cross * env * sin (phi + g.zmod_phase);
          break;
        case EM_DEMO_MOTION_SNAKE:
          m[0] = env * (cos (phi) + g.h2 * cos (2 * phi + g.th2));
          m[1] = g.dir * g.ratio * env * (sin (phi) + g.h3 * sin (2 * phi + g.th3));
          m[2] = g.zmod * sin (2 * phi + g.zmod_phase);
          break;
        default:
          g_assert_not_reached ();
        }

      /* physiological tremor (~8 Hz band), present even when "idle" */
      for (guint a = 0; a < 3; a++)
        {
          tremor[a] = tremor_leak * tremor[a] + 0.01 * gauss (rand);
          m[a] += tremor[a];
        }

      /* the gesture happens in a frame turned by yaw about the vertical */
      s[0] = cos (yaw) * m[0] - sin (yaw) * m[1];
      s[1] = sin (yaw) * m[0] + cos (yaw) * m[1];
      s[2] = m[2] + STANDARD_GRAVITY;

      /* then the board is tilted (roll about X, pitch about Y), and the tilt
       * drifts slowly as the hand relaxes */
      roll = roll0 + drift_amp * sin (2 * G_PI * t / drift_period + drift_phase[0]);
      pitch = pitch0 + drift_amp * sin (2 * G_PI * t / (1.3 * drift_period) + drift_phase[1]);
      x = s[0];
      y = cos (roll) * s[1] - sin (roll) * s[2];
      z = sin (roll) * s[1] + cos (roll) * s[2];
      s[0] = cos (pitch) * x + sin (pitch) * z;
      s[1] = y;
      s[2] = -sin (pitch) * x + cos (pitch) * z;

      for (guint a = 0; a < 3; a++)
        out[(gsize) k * 3 + a] = (float) (s[a] + bias[a] + sigma * gauss (rand));
    }

  /* Occasional spikes: a knock on the table, a loose connector. */
  n_spikes = g_rand_double (rand) < 0.5 ? 0 : (guint) g_rand_int_range (rand, 1, 4);
  for (guint i = 0; i < n_spikes && n_frames > 0; i++)
    {
      guint k = (guint) g_rand_int_range (rand, 0, (gint32) n_frames);
      guint axis = (guint) g_rand_int_range (rand, 0, 3);
      guint width = (guint) g_rand_int_range (rand, 1, 3);
      double mag = uniform (rand, 1.5, 6.0) * (g_rand_boolean (rand) ? 1 : -1);

      for (guint w = 0; w < width && k + w < n_frames; w++)
        out[(gsize) (k + w) * 3 + axis] += (float) (mag / (w + 1));
    }
}
