;; The confusable-example check's kernels (server/src/service/analysis/sketch.ts; scripts/wasm.mjs compiles them into
;; sketchWasm.ts): an example's trigram numbers, and its sketch: bin by bin, the minimum of its trigrams' rows. A row is 52
;; signed 32-bit values (the 50 bins, then two that are always 0x7fffffff), 16-byte aligned; the kernel reads 13
;; vectors of 4 values per trigram and keeps the 13 running minima in locals (WebAssembly SIMD: 4 bins per step, no
;; bounds check in the loop). Then, from the 50 minima, the example's 10 band keys and its filter (sketch.ts).
(module
  (memory (export "memory") 1)
  ;; The finaliser of MurmurHash3 (`mix` in sketch.ts).
  (func $mix (param $h i32) (result i32)
    (local.set $h (i32.mul (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))) (i32.const 0x85ebca6b)))
    (local.set $h (i32.mul (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))) (i32.const 0xc2b2ae35)))
    (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
  ;; The trigram numbers of a text of $n small-alphabet characters at $text (one byte each: its 6-bit number, see
  ;; `SMALL` in sketch.ts), read as " text ": each trigram's 18-bit code (the three numbers side by side) gives
  ;; its number + 1 in the 32-bit table at $direct (0: not numbered yet). Writes each number once, in order of first
  ;; sight, as 32-bit numbers at $list, and returns how many; or -1 as soon as a trigram is not numbered yet. A code
  ;; is written once per call: the 32-bit table at $seen holds the $stamp of the last call that wrote it.
  (func (export "trigrams") (param $text i32) (param $n i32) (param $list i32) (param $stamp i32) (param $direct i32) (param $seen i32) (result i32)
    (local $j i32)
    (local $code i32)
    (local $at i32)
    (local $number i32)
    (local $write i32)
    (local.set $code (i32.const 1))
    (local.set $write (local.get $list))
    (loop $next
      (local.set $code
        (i32.and
          (i32.or
            (i32.shl (local.get $code) (i32.const 6))
            (if (result i32) (i32.lt_u (local.get $j) (local.get $n))
              (then (i32.load8_u (i32.add (local.get $text) (local.get $j))))
              (else (i32.const 1))))
          (i32.const 0x3ffff)))
      (if (i32.gt_u (local.get $j) (i32.const 0))
        (then
          (local.set $at (i32.shl (local.get $code) (i32.const 2)))
          (local.set $number (i32.load (i32.add (local.get $direct) (local.get $at))))
          (if (i32.eqz (local.get $number)) (then (return (i32.const -1))))
          (if (i32.ne (i32.load (i32.add (local.get $seen) (local.get $at))) (local.get $stamp))
            (then
              (i32.store (i32.add (local.get $seen) (local.get $at)) (local.get $stamp))
              (i32.store (local.get $write) (i32.sub (local.get $number) (i32.const 1)))
              (local.set $write (i32.add (local.get $write) (i32.const 4)))))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br_if $next (i32.le_u (local.get $j) (local.get $n))))
    (i32.shr_u (i32.sub (local.get $write) (local.get $list)) (i32.const 2)))
  ;; Writes at $out (16-byte aligned): the 52 minima of the rows of the trigrams whose numbers are the 32-bit numbers
  ;; in [$list, $end), a row being 208 bytes from $table on (all 0x7fffffff when the list is empty), at $out + 208 the 10 band keys (band b: b mixed with the
  ;; minima of bins 5b to 5b + 4 in turn), at $out + 248 the 7 numbers of the filter (the low 4 bits of bin i at bits
  ;; 4·(i mod 8) of number i / 8).
  (func (export "sketch") (param $list i32) (param $end i32) (param $out i32) (param $table i32)
    (local $row i32)
    (local $bin i32)
    (local $key i32)
    (local $at i32)
    (local $m0 v128)
    (local $m1 v128)
    (local $m2 v128)
    (local $m3 v128)
    (local $m4 v128)
    (local $m5 v128)
    (local $m6 v128)
    (local $m7 v128)
    (local $m8 v128)
    (local $m9 v128)
    (local $m10 v128)
    (local $m11 v128)
    (local $m12 v128)
    (local.set $m0 (i32x4.splat (i32.const 0x7fffffff)))
    (local.set $m1 (i32x4.splat (i32.const 0x7fffffff)))
    (local.set $m2 (i32x4.splat (i32.const 0x7fffffff)))
    (local.set $m3 (i32x4.splat (i32.const 0x7fffffff)))
    (local.set $m4 (i32x4.splat (i32.const 0x7fffffff)))
    (local.set $m5 (i32x4.splat (i32.const 0x7fffffff)))
    (local.set $m6 (i32x4.splat (i32.const 0x7fffffff)))
    (local.set $m7 (i32x4.splat (i32.const 0x7fffffff)))
    (local.set $m8 (i32x4.splat (i32.const 0x7fffffff)))
    (local.set $m9 (i32x4.splat (i32.const 0x7fffffff)))
    (local.set $m10 (i32x4.splat (i32.const 0x7fffffff)))
    (local.set $m11 (i32x4.splat (i32.const 0x7fffffff)))
    (local.set $m12 (i32x4.splat (i32.const 0x7fffffff)))
    (block $done
      (br_if $done (i32.ge_u (local.get $list) (local.get $end)))
      (loop $next
        (local.set $row (i32.add (local.get $table) (i32.mul (i32.load (local.get $list)) (i32.const 208))))
        (local.set $m0 (i32x4.min_s (local.get $m0) (v128.load offset=0 (local.get $row))))
        (local.set $m1 (i32x4.min_s (local.get $m1) (v128.load offset=16 (local.get $row))))
        (local.set $m2 (i32x4.min_s (local.get $m2) (v128.load offset=32 (local.get $row))))
        (local.set $m3 (i32x4.min_s (local.get $m3) (v128.load offset=48 (local.get $row))))
        (local.set $m4 (i32x4.min_s (local.get $m4) (v128.load offset=64 (local.get $row))))
        (local.set $m5 (i32x4.min_s (local.get $m5) (v128.load offset=80 (local.get $row))))
        (local.set $m6 (i32x4.min_s (local.get $m6) (v128.load offset=96 (local.get $row))))
        (local.set $m7 (i32x4.min_s (local.get $m7) (v128.load offset=112 (local.get $row))))
        (local.set $m8 (i32x4.min_s (local.get $m8) (v128.load offset=128 (local.get $row))))
        (local.set $m9 (i32x4.min_s (local.get $m9) (v128.load offset=144 (local.get $row))))
        (local.set $m10 (i32x4.min_s (local.get $m10) (v128.load offset=160 (local.get $row))))
        (local.set $m11 (i32x4.min_s (local.get $m11) (v128.load offset=176 (local.get $row))))
        (local.set $m12 (i32x4.min_s (local.get $m12) (v128.load offset=192 (local.get $row))))
        (local.set $list (i32.add (local.get $list) (i32.const 4)))
        (br_if $next (i32.lt_u (local.get $list) (local.get $end)))))
    (v128.store offset=0 (local.get $out) (local.get $m0))
    (v128.store offset=16 (local.get $out) (local.get $m1))
    (v128.store offset=32 (local.get $out) (local.get $m2))
    (v128.store offset=48 (local.get $out) (local.get $m3))
    (v128.store offset=64 (local.get $out) (local.get $m4))
    (v128.store offset=80 (local.get $out) (local.get $m5))
    (v128.store offset=96 (local.get $out) (local.get $m6))
    (v128.store offset=112 (local.get $out) (local.get $m7))
    (v128.store offset=128 (local.get $out) (local.get $m8))
    (v128.store offset=144 (local.get $out) (local.get $m9))
    (v128.store offset=160 (local.get $out) (local.get $m10))
    (v128.store offset=176 (local.get $out) (local.get $m11))
    (v128.store offset=192 (local.get $out) (local.get $m12))
    ;; The band keys.
    (local.set $bin (i32.const 0))
    (loop $band
      (local.set $key (i32.div_u (local.get $bin) (i32.const 5)))
      (local.set $at (i32.add (local.get $out) (i32.shl (local.get $bin) (i32.const 2))))
      (local.set $key (call $mix (i32.xor (local.get $key) (i32.load offset=0 (local.get $at)))))
      (local.set $key (call $mix (i32.xor (local.get $key) (i32.load offset=4 (local.get $at)))))
      (local.set $key (call $mix (i32.xor (local.get $key) (i32.load offset=8 (local.get $at)))))
      (local.set $key (call $mix (i32.xor (local.get $key) (i32.load offset=12 (local.get $at)))))
      (local.set $key (call $mix (i32.xor (local.get $key) (i32.load offset=16 (local.get $at)))))
      (i32.store offset=208 (i32.add (local.get $out) (i32.div_u (i32.shl (local.get $bin) (i32.const 2)) (i32.const 5))) (local.get $key))
      (local.set $bin (i32.add (local.get $bin) (i32.const 5)))
      (br_if $band (i32.lt_u (local.get $bin) (i32.const 50))))
    ;; The filter.
    (v128.store offset=248 (local.get $out) (v128.const i32x4 0 0 0 0))
    (v128.store offset=264 (local.get $out) (v128.const i32x4 0 0 0 0))
    (local.set $bin (i32.const 0))
    (loop $filter
      (local.set $at (i32.add (local.get $out) (i32.shl (i32.shr_u (local.get $bin) (i32.const 3)) (i32.const 2))))
      (i32.store offset=248 (local.get $at)
        (i32.or (i32.load offset=248 (local.get $at))
          (i32.shl
            (i32.and (i32.load (i32.add (local.get $out) (i32.shl (local.get $bin) (i32.const 2)))) (i32.const 15))
            (i32.shl (i32.and (local.get $bin) (i32.const 7)) (i32.const 2)))))
      (local.set $bin (i32.add (local.get $bin) (i32.const 1)))
      (br_if $filter (i32.lt_u (local.get $bin) (i32.const 50))))
  )
)
