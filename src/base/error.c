/*
 * Words for the return codes (see error.h).
 */
#include "error.h"

const char *cv_strerror(int code)
{
    switch (code) {
    case CV_OK: return "success";
    case CV_ETIMEDOUT: return "timed out";
    case CV_ECANCELLED: return "cancelled";
    case CV_EFAILED: return "the call failed";
    case CV_ENOMEM: return "out of memory";
    case CV_ESHUTDOWN: return "cannot schedule new futures after shutdown";
    case CV_EDONE: return "no more results";
    case CV_EINVAL: return "invalid argument";
    case CV_EIO: return "input/output error";
    case CV_EINVALIDSTATE: return "the future is already done";
    case CV_EBROKEN: return "the process pool is broken";
    case CV_ENETTIMEOUT: return "the transfer timed out";
    default: return "unknown error";
    }
}
