#!/bin/sh
# Builds a small labelled image set, reproducibly, from files in Debian packages, as DIR/label/*.png:
#   photos  opencv-doc and python3-skimage sample images grouped by subject (two or more different
#           photos per subject), each in 3 versions: whole, centre crop 70 %, rotated 12° + mirrored;
#   glyphs  a letter rendered with 6 DejaVu fonts (fonts-dejavu-core), each slightly rotated.
# File names are <source>-<version>.png, so an evaluation can skip neighbours made from the same photo.
# Needs imagemagick, opencv-doc, python3-skimage, fonts-dejavu-core.
#
# Usage: sh scripts/make-image-set.sh OUT_DIR [full|small]
#   full  (default) 11 photo subjects + 8 letters: 123 images of at most 160 px in 19 classes;
#   small 4 photo subjects (2 photos × 3 versions) + 2 letters (6 fonts), picked where raw pixels do badly: 36 images of at most 96 px
#         (committed as test/fixtures/images/set for the tests).
set -eu
OUT=${1:?usage: make-image-set.sh OUT_DIR [full|small]}
MODE=${2:-full}
CV=/usr/share/doc/opencv-doc/examples/data
SK=/usr/lib/python3/dist-packages/skimage/data
FONTS=/usr/share/fonts/truetype/dejavu
for d in "$CV" "$SK" "$FONTS"; do
  [ -d "$d" ] || { echo "missing $d (apt-get install -y opencv-doc python3-skimage fonts-dejavu-core)" >&2; exit 1; }
done
command -v convert >/dev/null || { echo "missing ImageMagick (apt-get install -y imagemagick)" >&2; exit 1; }

if [ "$MODE" = small ]; then SIZE=96; else SIZE=160; fi
# Reproducible PNGs: no timestamps, no profiles.
PNG="-strip -define png:exclude-chunks=date,time -depth 8"

# photo LABEL SOURCE...: 3 versions of each source file.
photo() {
  label=$1; shift
  mkdir -p "$OUT/$label"
  for src in "$@"; do
    base=$(basename "$src"); base=${base%.*}
    convert -quiet "$src" -auto-orient -resize "${SIZE}x${SIZE}" $PNG "$OUT/$label/$base-whole.png"
    convert -quiet "$src" -auto-orient -gravity center -crop 70%x70%+0+0 +repage -resize "${SIZE}x${SIZE}" $PNG "$OUT/$label/$base-crop.png"
    convert -quiet "$src" -auto-orient -background gray50 -rotate 12 -gravity center -crop 80%x80%+0+0 +repage -flop -resize "${SIZE}x${SIZE}" $PNG "$OUT/$label/$base-rot.png"
  done
}

# glyph LETTER: the letter in 6 fonts, black on white, rotated a little (alternating directions).
glyph() {
  letter=$1
  dir="$OUT/glyph-$(echo "$letter" | tr 'A-Z' 'a-z')"
  mkdir -p "$dir"
  angle=-8
  for font in DejaVuSans DejaVuSerif DejaVuSansMono DejaVuSans-Bold DejaVuSerif-Italic DejaVuSansCondensed-Oblique; do
    convert -size "${SIZE}x${SIZE}" xc:white -font "$FONTS/$font.ttf" -pointsize $((SIZE * 3 / 4)) -fill black \
      -gravity center -annotate "${angle}x${angle}+0+0" "$letter" $PNG "$dir/$font-rot$angle.png"
    angle=$((-angle))
  done
}

rm -rf "$OUT"
mkdir -p "$OUT"
if [ "$MODE" = small ]; then
  photo chessboard "$CV/left01.jpg" "$CV/left12.jpg"
  photo graffiti "$CV/graf1.png" "$CV/graf3.png"
  photo suzanne "$CV/Blender_Suzanne1.jpg" "$CV/Blender_Suzanne2.jpg"
  photo box "$CV/box.png" "$CV/box_in_scene.png"
  glyph C
  glyph E
else
  photo chessboard "$CV/left01.jpg" "$CV/left05.jpg" "$CV/left12.jpg" "$CV/right03.jpg"
  photo graffiti "$CV/graf1.png" "$CV/graf3.png"
  photo suzanne "$CV/Blender_Suzanne1.jpg" "$CV/Blender_Suzanne2.jpg"
  photo motorcycle "$SK/motorcycle_left.png" "$SK/motorcycle_right.png"
  photo leuven "$CV/leuvenA.jpg" "$CV/leuvenB.jpg"
  photo aloe "$CV/aloeL.jpg" "$CV/aloeR.jpg"
  photo basketball "$CV/basketball1.png" "$CV/basketball2.png"
  photo rubberwhale "$CV/rubberwhale1.png" "$CV/rubberwhale2.png"
  photo box "$CV/box.png" "$CV/box_in_scene.png"
  photo text "$SK/page.png" "$SK/text.png" "$CV/text_defocus.jpg"
  photo retina "$SK/retina.jpg" "$SK/microaneurysms.png"
  for letter in A B C D E G K R; do glyph "$letter"; done
fi
echo "$(find "$OUT" -name '*.png' | wc -l) images in $(find "$OUT" -mindepth 1 -type d | wc -l) classes under $OUT"
