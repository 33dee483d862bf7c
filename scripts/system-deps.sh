#!/usr/bin/env bash
# Install the Debian packages ClassMood's demo and tests need, if any is missing.
# (ffmpeg: the tests record generated calls as H.264 video, as real call recordings are; the Lato,
# Liberation, Roboto, Open Sans and Inter fonts: `classmood train-lines` draws name labels in them.)
set -euo pipefail
packages=(
  xvfb x11-utils xdotool libtk8.6 libfribidi0 fonts-noto-core fonts-noto-cjk
  fonts-lato fonts-liberation2 fonts-roboto-unhinted fonts-open-sans fonts-inter
  tesseract-ocr
  tesseract-ocr-script-latn tesseract-ocr-script-cyrl tesseract-ocr-script-grek tesseract-ocr-script-arab
  tesseract-ocr-script-deva tesseract-ocr-script-hebr tesseract-ocr-script-thai tesseract-ocr-script-hans
  tesseract-ocr-script-jpan tesseract-ocr-script-hang tesseract-ocr-kor tesseract-ocr-chi-sim tesseract-ocr-ara
  chromium chromium-driver postgresql
  ffmpeg
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]})) || exit 0
echo "Installing Debian packages: ${missing[*]}" >&2
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
