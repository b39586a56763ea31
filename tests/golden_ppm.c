/* golden_ppm SAMPLES_DIR OUT_DIR: decodes sample1.jpg ... sample6.jpg with facecluster's
 * own decoder and writes them as binary PPMs, the raw pixels tests/golden/generate.js
 * feeds the reference, so the reference and our network see identical inputs. */
#include "core/fc_error.h"
#include "core/image/image.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: golden_ppm SAMPLES_DIR OUT_DIR\n");
        return 2;
    }
    for (int n = 1; n <= 6; n++) {
        char in[4096], out[4096], err[FC_ERR_MAX];
        fc_image img;
        snprintf(in, sizeof in, "%s/sample%d.jpg", argv[1], n);
        snprintf(out, sizeof out, "%s/sample%d.ppm", argv[2], n);
        if (fc_image_load(in, &img, err) != 0) {
            fprintf(stderr, "golden_ppm: %s: %s\n", in, err);
            return 1;
        }
        FILE *f = fopen(out, "wb");
        size_t bytes = (size_t)img.width * img.height * 3;
        int ok = f && fprintf(f, "P6\n%d %d\n255\n", img.width, img.height) > 0 &&
                 fwrite(img.rgb, 1, bytes, f) == bytes;
        if (f && fclose(f) != 0) ok = 0;
        fc_image_free(&img);
        if (!ok) {
            fprintf(stderr, "golden_ppm: cannot write %s\n", out);
            return 1;
        }
    }
    return 0;
}
