"""Unit tests of the client's spaces and wire conversions (no server needed).

Run: python3 -m unittest discover -s python/tests   (test/bridge/python.test.ts does)
"""

import json
import math
import os
import sys
import tempfile
import unittest

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import faasgym_client  # noqa: E402
from faasgym_client import spaces as S  # noqa: E402

BOX = {"type": "Box", "low": [-1, "-inf", 0, 0, 0, 0], "high": [1, "inf", 5, 5, 5, 5], "shape": [2, 3], "dtype": "float32"}
DISCRETE = {"type": "Discrete", "n": 3, "start": -1}
MULTI = {"type": "MultiDiscrete", "nvec": [2, 3], "start": [0, 10]}
BINARY = {"type": "MultiBinary", "n": 4}
DICT = {"type": "Dict", "spaces": {"pos": BOX, "mode": DISCRETE}}
TUPLE = {"type": "Tuple", "spaces": [DISCRETE, BINARY]}


class LightSpaces(unittest.TestCase):
    def test_box_from_json(self):
        box = S.light_space_from_json(BOX)
        self.assertEqual(box.shape, (2, 3))
        self.assertEqual(box.dtype, np.float32)
        self.assertEqual(box.low[0, 1], -np.inf)
        self.assertEqual(box.high[0, 1], np.inf)
        box.seed(0)
        for _ in range(20):
            x = box.sample()
            self.assertEqual(x.dtype, np.float32)
            self.assertTrue(box.contains(x), x)
        self.assertFalse(box.contains(np.zeros((3, 2), np.float32)))
        self.assertFalse(box.contains(np.full((2, 3), 9, np.float32)))
        self.assertFalse(box.is_bounded())

    def test_seeding_is_reproducible(self):
        a, b = S.light_space_from_json(DICT), S.light_space_from_json(DICT)
        a.seed(7)
        b.seed(7)
        for _ in range(5):
            sa, sb = a.sample(), b.sample()
            np.testing.assert_array_equal(sa["pos"], sb["pos"])
            self.assertEqual(sa["mode"], sb["mode"])

    def test_discrete_multidiscrete_multibinary_tuple(self):
        d = S.light_space_from_json(DISCRETE)
        self.assertEqual((int(d.n), int(d.start)), (3, -1))
        self.assertTrue(d.contains(-1) and d.contains(np.int64(1)) and not d.contains(2) and not d.contains(True) and not d.contains(0.0))
        m = S.light_space_from_json(MULTI)
        self.assertTrue(m.contains(np.array([1, 12])) and not m.contains(np.array([1, 13])))
        self.assertTrue(all(m.contains(m.sample()) for _ in range(20)))
        b = S.light_space_from_json(BINARY)
        self.assertTrue(b.contains(b.sample()) and not b.contains([0, 1, 2, 0]))
        t = S.light_space_from_json(TUPLE)
        self.assertTrue(t.contains(t.sample()))
        self.assertEqual(len(t), 2)

    def test_equality_and_errors(self):
        self.assertEqual(S.light_space_from_json(DICT), S.light_space_from_json(DICT))
        self.assertNotEqual(S.light_space_from_json(DISCRETE), S.light_space_from_json({"type": "Discrete", "n": 3, "start": 0}))
        with self.assertRaises(ValueError):
            S.light_space_from_json({"type": "Blob"})
        with self.assertRaises(ValueError):
            S.light_space_from_json([1, 2])

    def test_space_from_json_uses_gymnasium_when_present(self):
        space = S.space_from_json(DICT)
        expected = "gymnasium.spaces" if S.HAVE_GYMNASIUM else "faasgym_client.spaces"
        self.assertTrue(type(space).__module__.startswith(expected), type(space).__module__)
        self.assertEqual(type(space.spaces["pos"]).__name__, "Box")


class Wire(unittest.TestCase):
    def test_box_decode_reshapes_and_keeps_dtype(self):
        dec = S.decoder(BOX)
        obs = dec([0.5, 1e30, 1, 2, 3, 4])
        self.assertEqual(obs.shape, (2, 3))
        self.assertEqual(obs.dtype, np.float32)
        self.assertEqual(obs[0, 1], np.float32(1e30))
        self.assertTrue(math.isnan(S.decoder({"type": "Box", "low": [0], "high": [1], "shape": [1], "dtype": "float64"})([None])[0]))

    def test_box_encode_flattens_and_casts(self):
        enc = S.encoder(BOX)
        self.assertEqual(enc(np.arange(6, dtype=np.float64).reshape(2, 3)), [0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
        self.assertEqual(enc([[0.1, 0, 0], [0, 0, 0]])[0], float(np.float32(0.1)))
        text = S.text_encoder(BOX)
        self.assertEqual(json.loads(text(np.zeros((2, 3)))), [0.0] * 6)
        with self.assertRaises(ValueError):
            text(np.full((2, 3), np.nan))

    def test_discrete_encode(self):
        text = S.text_encoder(DISCRETE)
        self.assertEqual(text(1), "1")
        self.assertEqual(text(np.int64(-1)), "-1")
        self.assertEqual(text(np.array(0)), "0")
        self.assertEqual(text(2.0), "2")
        for bad in (True, 0.5, np.array([1]), "1"):
            with self.assertRaises(TypeError):
                text(bad)

    def test_composite_round_trip(self):
        self.assertEqual(S.encoder(DICT)({"pos": np.ones((2, 3)), "mode": np.int64(0)}), {"pos": [1.0] * 6, "mode": 0})
        obs = S.decoder(DICT)({"pos": [0] * 6, "mode": 1})
        self.assertEqual(obs["pos"].shape, (2, 3))
        self.assertEqual(obs["mode"], 1)
        self.assertEqual(S.encoder(TUPLE)((np.int64(1), np.array([1, 0, 1, 1], np.int8))), [1, [1, 0, 1, 1]])
        dec = S.decoder(TUPLE)([0, [1, 1, 0, 0]])
        self.assertIsInstance(dec, tuple)
        self.assertEqual(dec[1].dtype, np.int8)
        self.assertEqual(S.decoder(MULTI)([1, 11]).dtype, np.int64)


class ConnectionArguments(unittest.TestCase):
    def test_validation(self):
        with self.assertRaises(ValueError):
            faasgym_client.Connection("localhost:5555")
        with self.assertRaises(ValueError):
            faasgym_client.Connection("tcp://127.0.0.1:1", timeout=0)
        with self.assertRaises(ValueError):
            faasgym_client.Connection("tcp://127.0.0.1:1", curve_client_keys=("a" * 40, "b" * 40))
        with self.assertRaises(ValueError):
            faasgym_client.make("", "tcp://127.0.0.1:1")

    def test_certificate_files(self):
        public, secret = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7", "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6"
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "server.key"), "w") as f:
                f.write('#   ZeroMQ CURVE Public Certificate\n\nmetadata\ncurve\n    public-key = "%s"\n' % public)
            with open(os.path.join(d, "server.key_secret"), "w") as f:
                f.write('curve\n    public-key = "%s"\n    secret-key = "%s"\n' % (public, secret))
            self.assertEqual(faasgym_client.load_public_key(os.path.join(d, "server.key")), public.encode())
            self.assertEqual(faasgym_client.load_key_pair(os.path.join(d, "server.key_secret")), (public.encode(), secret.encode()))
            self.assertEqual(faasgym_client.load_public_key(public), public.encode())
            with self.assertRaises(ValueError):
                faasgym_client.load_key_pair(os.path.join(d, "server.key"))
            with self.assertRaises(ValueError):
                faasgym_client.load_public_key("short")


if __name__ == "__main__":
    unittest.main()
