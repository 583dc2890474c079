;; numpy's PCG64 step and output (numpy-rng.ts), in WebAssembly: its 64-bit integer arithmetic makes
;; the 128-bit multiply a handful of instructions, several times faster than the same arithmetic in
;; JavaScript doubles. `scripts/build-wasm.ts` assembles this file into pcg64-wasm.ts; a test checks
;; that the two agree.
;;
;; Memory layout (little-endian 64-bit words):
;;   0: state, low 64 bits      8: state, high 64 bits
;;  16: increment, low 64 bits 24: increment, high 64 bits
;;  64: the outputs `fill` writes, one 64-bit word each (its low 32 bits first, as numpy draws them)
(module
  (memory (export "memory") 1)

  ;; Advances the generator `count` times (at most 8,184, what fits in the page) and writes each
  ;; output: state = state * 0x2360ED051FC65DA44385DF649FCCF645 + increment (mod 2^128), then the
  ;; output is the high and low halves of the new state xored, rotated right by its top six bits.
  (func (export "fill") (param $count i32)
    (local $lo i64) (local $hi i64) (local $incLo i64) (local $incHi i64)
    (local $a i64) (local $b i64) (local $ac i64) (local $ad i64) (local $bc i64) (local $mid i64)
    (local $productLo i64) (local $productHi i64) (local $at i32) (local $end i32)
    (local.set $lo (i64.load (i32.const 0)))
    (local.set $hi (i64.load (i32.const 8)))
    (local.set $incLo (i64.load (i32.const 16)))
    (local.set $incHi (i64.load (i32.const 24)))
    (local.set $at (i32.const 64))
    (local.set $end (i32.add (i32.const 64) (i32.shl (local.get $count) (i32.const 3))))
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        ;; lo * 0x4385DF649FCCF645 in full (128 bits), from 32-bit halves:
        ;; a, b = lo's low and high halves; 0x9FCCF645, 0x4385DF64 = the multiplier's low word's halves.
        (local.set $a (i64.and (local.get $lo) (i64.const 0xffffffff)))
        (local.set $b (i64.shr_u (local.get $lo) (i64.const 32)))
        (local.set $ac (i64.mul (local.get $a) (i64.const 0x9FCCF645)))
        (local.set $ad (i64.mul (local.get $a) (i64.const 0x4385DF64)))
        (local.set $bc (i64.mul (local.get $b) (i64.const 0x9FCCF645)))
        (local.set $mid
          (i64.add
            (i64.add (i64.shr_u (local.get $ac) (i64.const 32)) (i64.and (local.get $ad) (i64.const 0xffffffff)))
            (i64.and (local.get $bc) (i64.const 0xffffffff))))
        (local.set $productLo
          (i64.or (i64.and (local.get $ac) (i64.const 0xffffffff)) (i64.shl (local.get $mid) (i64.const 32))))
        (local.set $productHi
          (i64.add
            (i64.add
              (i64.mul (local.get $b) (i64.const 0x4385DF64))
              (i64.add (i64.shr_u (local.get $ad) (i64.const 32)) (i64.shr_u (local.get $bc) (i64.const 32))))
            (i64.shr_u (local.get $mid) (i64.const 32))))
        ;; The cross terms reach only the high 64 bits: hi * low word + lo * high word of the multiplier.
        (local.set $productHi
          (i64.add
            (local.get $productHi)
            (i64.add
              (i64.mul (local.get $hi) (i64.const 0x4385DF649FCCF645))
              (i64.mul (local.get $lo) (i64.const 0x2360ED051FC65DA4)))))
        ;; + increment, the low half's carry into the high half.
        (local.set $lo (i64.add (local.get $productLo) (local.get $incLo)))
        (local.set $hi
          (i64.add
            (i64.add (local.get $productHi) (local.get $incHi))
            (i64.extend_i32_u (i64.lt_u (local.get $lo) (local.get $productLo)))))
        (i64.store (local.get $at)
          (i64.rotr (i64.xor (local.get $hi) (local.get $lo)) (i64.shr_u (local.get $hi) (i64.const 58))))
        (local.set $at (i32.add (local.get $at) (i32.const 8)))
        (br $step)))
    (i64.store (i32.const 0) (local.get $lo))
    (i64.store (i32.const 8) (local.get $hi))))
