#!/usr/bin/python3
"""Independent numpy/scipy reference for test/audio/*.test.ts: librosa's conventions (0.10) re-derived
from their definitions — not librosa itself (not installable here). Reads a JSON request on stdin:
{"signal": path of float32 samples, "sr": rate, "what": [...]}, writes a JSON of float lists."""
import json
import sys

import numpy as np
import scipy.fft
import scipy.signal

req = json.load(sys.stdin)
y = np.fromfile(req['signal'], dtype='<f4').astype(np.float64)
sr = req['sr']
out = {}


def stft_power(y, n_fft=2048, hop=None, power=1.0, center=True, pad_mode='constant', window='hann', win_length=None):
    hop = hop or n_fft // 4
    win_length = win_length or n_fft
    w = scipy.signal.get_window(window, win_length, fftbins=True)
    lpad = (n_fft - win_length) // 2
    w = np.pad(w, (lpad, n_fft - win_length - lpad))
    if center:
        y = np.pad(y, n_fft // 2, mode=pad_mode)
    n = 1 + (len(y) - n_fft) // hop
    frames = np.stack([y[i * hop:i * hop + n_fft] for i in range(n)])
    return np.abs(np.fft.rfft(frames * w, axis=1)) ** power  # frames x bins


def hz_to_mel(f, htk):
    f = np.asanyarray(f, dtype=np.float64)
    if htk:
        return 2595.0 * np.log10(1.0 + f / 700.0)
    f_sp = 200.0 / 3
    mels = f / f_sp
    min_log_mel = 1000.0 / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(f >= 1000.0, min_log_mel + np.log(np.maximum(f, 1e-300) / 1000.0) / logstep, mels)


def mel_to_hz(m, htk):
    m = np.asanyarray(m, dtype=np.float64)
    if htk:
        return 700.0 * (10.0 ** (m / 2595.0) - 1.0)
    f_sp = 200.0 / 3
    min_log_mel = 1000.0 / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(m >= min_log_mel, 1000.0 * np.exp(logstep * (m - min_log_mel)), f_sp * m)


def mel_bank(sr, n_fft, n_mels=128, fmin=0.0, fmax=None, htk=False, norm='slaney'):
    fmax = sr / 2 if fmax is None else fmax
    fftfreqs = np.fft.rfftfreq(n_fft, 1.0 / sr)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(fmin, htk), hz_to_mel(fmax, htk), n_mels + 2), htk)
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    w = np.maximum(0, np.minimum(lower, upper))
    if norm == 'slaney':
        w *= (2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels]))[:, None]
    return w


def power_to_db(S, amin=1e-10, top_db=80.0):
    d = 10.0 * np.log10(np.maximum(amin, S))
    return np.maximum(d, d.max() - top_db)


def L(a):
    return np.asarray(a, dtype=np.float64).tolist()


what = set(req['what'])
P = stft_power(y, power=2.0)
if 'spectrogram' in what:
    out['spectrogram'] = L(stft_power(y, power=1.0))
    out['spectrogram_reflect_400'] = L(stft_power(y, n_fft=512, hop=100, win_length=400, pad_mode='reflect', power=2.0, window='hamming'))
    out['spectrogram_odd'] = L(stft_power(y, n_fft=400, hop=160, power=1.0, center=False))
if 'mel' in what:
    M = P @ mel_bank(sr, 2048).T
    out['melspectrogram'] = L(M)
    out['mel_htk'] = L(P @ mel_bank(sr, 2048, n_mels=40, fmin=60, fmax=7600, htk=True, norm=None).T)
    out['logmel_db'] = L(power_to_db(M))
    mf = scipy.fft.dct(power_to_db(M), type=2, norm='ortho', axis=1)[:, :20]
    out['mfcc'] = L(mf)
    out['delta'] = L(scipy.signal.savgol_filter(mf, 9, 1, deriv=1, axis=0, mode='interp'))
    out['delta2'] = L(scipy.signal.savgol_filter(mf, 9, 2, deriv=2, axis=0, mode='interp'))
if 'spectral' in what:
    S = stft_power(y, power=1.0)
    freq = np.fft.rfftfreq(2048, 1.0 / sr)
    tot = S.sum(axis=1, keepdims=True)
    Sn = S / np.where(tot > 0, tot, 1)
    cen = (Sn * freq).sum(axis=1)
    out['centroid'] = L(cen)
    out['bandwidth'] = L(np.sqrt((Sn * (freq[None, :] - cen[:, None]) ** 2).sum(axis=1)))
    cs = np.cumsum(S, axis=1)
    out['rolloff'] = L([freq[np.argmax(c >= 0.85 * c[-1])] for c in cs])
    S2 = np.maximum(1e-10, S ** 2)
    out['flatness'] = L(np.exp(np.log(S2).mean(axis=1)) / S2.mean(axis=1))
    yp = np.pad(y, 1024, mode='constant')
    n = 1 + (len(yp) - 2048) // 512
    out['rms'] = L([np.sqrt(np.mean(yp[i * 512:i * 512 + 2048] ** 2)) for i in range(n)])
    ye = np.pad(y, 1024, mode='edge')
    ye = np.where(np.abs(ye) <= 1e-10, 0.0, ye)
    sb = np.signbit(ye)
    out['zcr'] = L([np.sum(sb[i * 512 + 1:i * 512 + 2048] != sb[i * 512:i * 512 + 2047]) / 2048 for i in range(n)])
if 'chroma' in what:
    n_fft, nc = 2048, 12
    frequencies = np.linspace(0, sr, n_fft, endpoint=False)[1:]
    frqbins = nc * np.log2(frequencies / (440.0 / 16))
    frqbins = np.concatenate(([frqbins[0] - 1.5 * nc], frqbins))
    bw = np.concatenate((np.maximum(frqbins[1:] - frqbins[:-1], 1.0), [1]))
    D = np.subtract.outer(frqbins, np.arange(0, nc, dtype='d')).T
    n2 = np.round(float(nc) / 2)
    D = np.remainder(D + n2 + 10 * nc, nc) - n2
    wts = np.exp(-0.5 * (2 * D / np.tile(bw, (nc, 1))) ** 2)
    wts = wts / np.sqrt((wts ** 2).sum(axis=0, keepdims=True))
    wts *= np.tile(np.exp(-0.5 * (((frqbins / nc - 5.0) / 2) ** 2)), (nc, 1))
    wts = np.roll(wts, -3, axis=0)[:, :1 + n_fft // 2]
    C = P @ wts.T
    C = C / np.maximum(np.abs(C).max(axis=1, keepdims=True), 1e-300)
    out['chroma'] = L(C)
if 'vggish' in what:
    # tensorflow/models research/audioset/vggish mel_features.py, re-typed from its definition.
    win, hop, nfft = 400, 160, 512
    n = 1 + (len(y) - win) // hop
    frames = np.stack([y[i * hop:i * hop + win] for i in range(n)])
    hann = 0.5 - 0.5 * np.cos(2 * np.pi / win * np.arange(win))
    spec = np.abs(np.fft.rfft(frames * hann, nfft))
    bins_mel = 1127.0 * np.log(1.0 + np.linspace(0.0, 8000.0, 257) / 700.0)
    edges = np.linspace(1127.0 * np.log(1 + 125 / 700.0), 1127.0 * np.log(1 + 7500 / 700.0), 66)
    W = np.empty((257, 64))
    for i in range(64):
        lo, c, hi = edges[i:i + 3]
        W[:, i] = np.maximum(0.0, np.minimum((bins_mel - lo) / (c - lo), (hi - bins_mel) / (hi - c)))
    W[0, :] = 0.0
    out['vggish'] = L(np.log(spec @ W + 0.01))
if 'resample' in what:
    for up, down in req.get('ratios', []):
        out['resample_%d_%d' % (up, down)] = L(scipy.signal.resample_poly(y, up, down))
json.dump(out, sys.stdout)
