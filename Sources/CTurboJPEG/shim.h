#include <turbojpeg.h>

/// `TJSCALED` is a macro, which Swift cannot import; this wraps it.
static inline int tjScaledSize(int dimension, tjscalingfactor factor) {
    return TJSCALED(dimension, factor);
}
