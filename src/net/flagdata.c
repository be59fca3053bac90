/*
 * The 194 countries of the book's country_codes.txt, sorted by code so that
 * a lookup is a binary search.  Each row is a designated initialiser: the
 * stripes of the field, then the optional overlay, its outline and the disc.
 * The designs are deliberately simple (a disc stands for any star, sun or
 * coat of arms); several real flags differ only in their emblem, and here
 * some of them come out the same, as Chad and Romania do in life.
 */
#include "flagdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const unsigned char cv_flag_rgb[CV_FLAG_COLOR_COUNT][3] = {
    [CV_NONE] = {0, 0, 0},          [CV_WHITE] = {255, 255, 255}, [CV_BLACK] = {0, 0, 0},
    [CV_RED] = {206, 17, 38},       [CV_MAROON] = {128, 20, 50},  [CV_ORANGE] = {255, 136, 0},
    [CV_YELLOW] = {252, 209, 22},   [CV_GREEN] = {0, 154, 68},    [CV_DKGREEN] = {0, 98, 51},
    [CV_LTBLUE] = {100, 170, 230},  [CV_BLUE] = {0, 82, 180},     [CV_NAVY] = {0, 36, 100},
    [CV_BROWN] = {140, 80, 30},     [CV_GREY] = {170, 170, 170},
};

/* Shorthands for the field; they expand to designated initialisers. */
#define H(...) .dir = CV_STRIPES_H, .stripes = {__VA_ARGS__}
#define V(...) .dir = CV_STRIPES_V, .stripes = {__VA_ARGS__}

static const cv_flag_info flags[] = {
    {.cc = "AD", .name = "Andorra", V(CV_BLUE, CV_YELLOW, CV_RED), .mark = CV_MARK_CENTER, .mark_color = CV_ORANGE},
    {.cc = "AE", .name = "United Arab Emirates", H(CV_GREEN, CV_WHITE, CV_BLACK), .over = CV_OVER_HOIST, .over_color = CV_RED},
    {.cc = "AF", .name = "Afghanistan", V(CV_BLACK, CV_RED, CV_GREEN), .mark = CV_MARK_CENTER, .mark_color = CV_WHITE},
    {.cc = "AG", .name = "Antigua and Barbuda", H(CV_BLACK, CV_BLUE, CV_WHITE), .over = CV_OVER_HALF, .over_color = CV_RED, .mark = CV_MARK_CENTER, .mark_color = CV_YELLOW},
    {.cc = "AL", .name = "Albania", H(CV_RED), .mark = CV_MARK_CENTER, .mark_color = CV_BLACK},
    {.cc = "AM", .name = "Armenia", H(CV_RED, CV_BLUE, CV_ORANGE)},
    {.cc = "AO", .name = "Angola", H(CV_RED, CV_BLACK), .mark = CV_MARK_CENTER, .mark_color = CV_YELLOW},
    {.cc = "AR", .name = "Argentina", H(CV_LTBLUE, CV_WHITE, CV_LTBLUE), .mark = CV_MARK_CENTER, .mark_color = CV_YELLOW},
    {.cc = "AT", .name = "Austria", H(CV_RED, CV_WHITE, CV_RED)},
    {.cc = "AU", .name = "Australia", H(CV_NAVY), .over = CV_OVER_UNION_CANTON, .mark = CV_MARK_HOIST, .mark_color = CV_WHITE},
    {.cc = "AZ", .name = "Azerbaijan", H(CV_LTBLUE, CV_RED, CV_GREEN), .mark = CV_MARK_CENTER, .mark_color = CV_WHITE},
    {.cc = "BA", .name = "Bosnia and Herzegovina", H(CV_BLUE), .over = CV_OVER_TRIANGLE, .over_color = CV_YELLOW},
    {.cc = "BB", .name = "Barbados", V(CV_BLUE, CV_YELLOW, CV_BLUE), .mark = CV_MARK_CENTER, .mark_color = CV_BLACK},
    {.cc = "BD", .name = "Bangladesh", H(CV_DKGREEN), .mark = CV_MARK_CENTER, .mark_color = CV_RED},
    {.cc = "BE", .name = "Belgium", V(CV_BLACK, CV_YELLOW, CV_RED)},
    {.cc = "BF", .name = "Burkina Faso", H(CV_RED, CV_GREEN), .mark = CV_MARK_CENTER, .mark_color = CV_YELLOW},
    {.cc = "BG", .name = "Bulgaria", H(CV_WHITE, CV_GREEN, CV_RED)},
    {.cc = "BH", .name = "Bahrain", H(CV_RED), .over = CV_OVER_HOIST, .over_color = CV_WHITE},
    {.cc = "BI", .name = "Burundi", H(CV_RED, CV_GREEN), .over = CV_OVER_SALTIRE, .over_color = CV_WHITE, .mark = CV_MARK_CENTER, .mark_color = CV_WHITE},
    {.cc = "BJ", .name = "Benin", H(CV_YELLOW, CV_RED), .over = CV_OVER_HOIST, .over_color = CV_GREEN},
    {.cc = "BN", .name = "Brunei", H(CV_YELLOW), .over = CV_OVER_DIAGONAL, .over_color = CV_BLACK, .edge = CV_WHITE, .mark = CV_MARK_CENTER, .mark_color = CV_RED},
    {.cc = "BO", .name = "Bolivia", H(CV_RED, CV_YELLOW, CV_GREEN)},
    {.cc = "BR", .name = "Brazil", H(CV_GREEN), .over = CV_OVER_DIAMOND, .over_color = CV_YELLOW, .mark = CV_MARK_CENTER, .mark_color = CV_NAVY},
    {.cc = "BS", .name = "Bahamas", H(CV_LTBLUE, CV_YELLOW, CV_LTBLUE), .over = CV_OVER_TRIANGLE, .over_color = CV_BLACK},
    {.cc = "BT", .name = "Bhutan", H(CV_ORANGE), .over = CV_OVER_HALF, .over_color = CV_YELLOW, .mark = CV_MARK_CENTER, .mark_color = CV_WHITE},
    {.cc = "BW", .name = "Botswana", H(CV_LTBLUE, CV_WHITE, CV_BLACK, CV_WHITE, CV_LTBLUE)},
    {.cc = "BY", .name = "Belarus", H(CV_RED, CV_RED, CV_GREEN), .over = CV_OVER_HOIST, .over_color = CV_WHITE},
    {.cc = "BZ", .name = "Belize", H(CV_RED, CV_BLUE, CV_BLUE, CV_BLUE, CV_BLUE, CV_BLUE, CV_RED), .mark = CV_MARK_CENTER, .mark_color = CV_WHITE},
    {.cc = "CA", .name = "Canada", V(CV_RED, CV_WHITE, CV_WHITE, CV_RED), .mark = CV_MARK_CENTER, .mark_color = CV_RED},
    {.cc = "CD", .name = "DR Congo", H(CV_LTBLUE), .over = CV_OVER_DIAGONAL, .over_color = CV_RED, .edge = CV_YELLOW, .mark = CV_MARK_CANTON, .mark_color = CV_YELLOW},
    {.cc = "CF", .name = "Central African Republic", H(CV_BLUE, CV_WHITE, CV_GREEN, CV_YELLOW), .mark = CV_MARK_CANTON, .mark_color = CV_YELLOW},
    {.cc = "CG", .name = "Congo", H(CV_GREEN, CV_RED), .over = CV_OVER_DIAGONAL, .over_color = CV_YELLOW},
    {.cc = "CH", .name = "Switzerland", H(CV_RED), .over = CV_OVER_CROSS, .over_color = CV_WHITE},
    {.cc = "CI", .name = "Cote d'Ivoire", V(CV_ORANGE, CV_WHITE, CV_GREEN)},
    {.cc = "CL", .name = "Chile", H(CV_WHITE, CV_RED), .over = CV_OVER_CANTON, .over_color = CV_BLUE, .mark = CV_MARK_CANTON, .mark_color = CV_WHITE},
    {.cc = "CM", .name = "Cameroon", V(CV_GREEN, CV_RED, CV_YELLOW), .mark = CV_MARK_CENTER, .mark_color = CV_YELLOW},
    {.cc = "CN", .name = "China", H(CV_RED), .mark = CV_MARK_CANTON, .mark_color = CV_YELLOW},
    {.cc = "CO", .name = "Colombia", H(CV_YELLOW, CV_YELLOW, CV_BLUE, CV_RED)},
    {.cc = "CR", .name = "Costa Rica", H(CV_BLUE, CV_WHITE, CV_RED, CV_RED, CV_WHITE, CV_BLUE)},
    {.cc = "CU", .name = "Cuba", H(CV_BLUE, CV_WHITE, CV_BLUE, CV_WHITE, CV_BLUE), .over = CV_OVER_TRIANGLE, .over_color = CV_RED, .mark = CV_MARK_HOIST, .mark_color = CV_WHITE},
    {.cc = "CV", .name = "Cabo Verde", H(CV_BLUE, CV_BLUE, CV_WHITE, CV_RED, CV_WHITE, CV_BLUE, CV_BLUE), .mark = CV_MARK_HOIST, .mark_color = CV_YELLOW},
    {.cc = "CY", .name = "Cyprus", H(CV_WHITE), .mark = CV_MARK_CENTER, .mark_color = CV_ORANGE},
    {.cc = "CZ", .name = "Czechia", H(CV_WHITE, CV_RED), .over = CV_OVER_TRIANGLE, .over_color = CV_BLUE},
    {.cc = "DE", .name = "Germany", H(CV_BLACK, CV_RED, CV_YELLOW)},
    {.cc = "DJ", .name = "Djibouti", H(CV_LTBLUE, CV_GREEN), .over = CV_OVER_TRIANGLE, .over_color = CV_WHITE, .mark = CV_MARK_HOIST, .mark_color = CV_RED},
    {.cc = "DK", .name = "Denmark", H(CV_RED), .over = CV_OVER_NORDIC, .over_color = CV_WHITE},
    {.cc = "DM", .name = "Dominica", H(CV_GREEN), .over = CV_OVER_CROSS, .over_color = CV_YELLOW, .edge = CV_BLACK, .mark = CV_MARK_CENTER, .mark_color = CV_RED},
    {.cc = "DZ", .name = "Algeria", V(CV_GREEN, CV_WHITE), .mark = CV_MARK_CENTER, .mark_color = CV_RED},
    {.cc = "EC", .name = "Ecuador", H(CV_YELLOW, CV_YELLOW, CV_BLUE, CV_RED), .mark = CV_MARK_CENTER, .mark_color = CV_BROWN},
    {.cc = "EE", .name = "Estonia", H(CV_BLUE, CV_BLACK, CV_WHITE)},
    {.cc = "EG", .name = "Egypt", H(CV_RED, CV_WHITE, CV_BLACK), .mark = CV_MARK_CENTER, .mark_color = CV_YELLOW},
    {.cc = "ER", .name = "Eritrea", H(CV_GREEN, CV_LTBLUE), .over = CV_OVER_TRIANGLE, .over_color = CV_RED, .mark = CV_MARK_HOIST, .mark_color = CV_YELLOW},
    {.cc = "ES", .name = "Spain", H(CV_RED, CV_YELLOW, CV_YELLOW, CV_RED), .mark = CV_MARK_HOIST, .mark_color = CV_MAROON},
    {.cc = "ET", .name = "Ethiopia", H(CV_GREEN, CV_YELLOW, CV_RED), .mark = CV_MARK_CENTER, .mark_color = CV_BLUE},
    {.cc = "FI", .name = "Finland", H(CV_WHITE), .over = CV_OVER_NORDIC, .over_color = CV_NAVY},
    {.cc = "FJ", .name = "Fiji", H(CV_LTBLUE), .over = CV_OVER_UNION_CANTON, .mark = CV_MARK_CENTER, .mark_color = CV_WHITE},
    {.cc = "FM", .name = "Micronesia", H(CV_LTBLUE), .mark = CV_MARK_CENTER, .mark_color = CV_WHITE},
    {.cc = "FR", .name = "France", V(CV_BLUE, CV_WHITE, CV_RED)},
    {.cc = "GA", .name = "Gabon", H(CV_GREEN, CV_YELLOW, CV_BLUE)},
    {.cc = "GB", .name = "United Kingdom", .tld = ".uk", H(CV_NAVY), .over = CV_OVER_UNION},
    {.cc = "GD", .name = "Grenada", H(CV_YELLOW, CV_GREEN), .over = CV_OVER_BORDER, .over_color = CV_RED, .mark = CV_MARK_CENTER, .mark_color = CV_RED},
    {.cc = "GE", .name = "Georgia", H(CV_WHITE), .over = CV_OVER_CROSS, .over_color = CV_RED},
    {.cc = "GH", .name = "Ghana", H(CV_RED, CV_YELLOW, CV_GREEN), .mark = CV_MARK_CENTER, .mark_color = CV_BLACK},
    {.cc = "GM", .name = "Gambia", H(CV_RED, CV_RED, CV_WHITE, CV_BLUE, CV_WHITE, CV_GREEN, CV_GREEN)},
    {.cc = "GN", .name = "Guinea", V(CV_RED, CV_YELLOW, CV_GREEN)},
    {.cc = "GQ", .name = "Equatorial Guinea", H(CV_GREEN, CV_WHITE, CV_RED), .over = CV_OVER_TRIANGLE, .over_color = CV_BLUE},
    {.cc = "GR", .name = "Greece", H(CV_BLUE, CV_WHITE, CV_BLUE, CV_WHITE, CV_BLUE), .over = CV_OVER_CANTON, .over_color = CV_BLUE, .mark = CV_MARK_CANTON, .mark_color = CV_WHITE},
    {.cc = "GT", .name = "Guatemala", V(CV_LTBLUE, CV_WHITE, CV_LTBLUE), .mark = CV_MARK_CENTER, .mark_color = CV_GREEN},
    {.cc = "GW", .name = "Guinea-Bissau", H(CV_YELLOW, CV_GREEN), .over = CV_OVER_HOIST, .over_color = CV_RED, .mark = CV_MARK_HOIST, .mark_color = CV_BLACK},
    {.cc = "GY", .name = "Guyana", H(CV_GREEN), .over = CV_OVER_TRIANGLE, .over_color = CV_YELLOW, .edge = CV_WHITE, .mark = CV_MARK_HOIST, .mark_color = CV_RED},
    {.cc = "HN", .name = "Honduras", H(CV_BLUE, CV_WHITE, CV_BLUE), .mark = CV_MARK_CENTER, .mark_color = CV_BLUE},
    {.cc = "HR", .name = "Croatia", H(CV_RED, CV_WHITE, CV_BLUE), .mark = CV_MARK_CENTER, .mark_color = CV_RED},
    {.cc = "HT", .name = "Haiti", H(CV_BLUE, CV_RED), .mark = CV_MARK_CENTER, .mark_color = CV_WHITE},
    {.cc = "HU", .name = "Hungary", H(CV_RED, CV_WHITE, CV_GREEN)},
    {.cc = "ID", .name = "Indonesia", H(CV_RED, CV_WHITE)},
    {.cc = "IE", .name = "Ireland", V(CV_GREEN, CV_WHITE, CV_ORANGE)},
    {.cc = "IL", .name = "Israel", H(CV_WHITE, CV_BLUE, CV_WHITE, CV_WHITE, CV_WHITE, CV_BLUE, CV_WHITE), .mark = CV_MARK_CENTER, .mark_color = CV_BLUE},
    {.cc = "IN", .name = "India", H(CV_ORANGE, CV_WHITE, CV_GREEN), .mark = CV_MARK_CENTER, .mark_color = CV_NAVY},
    {.cc = "IQ", .name = "Iraq", H(CV_RED, CV_WHITE, CV_BLACK), .mark = CV_MARK_CENTER, .mark_color = CV_GREEN},
    {.cc = "IR", .name = "Iran", H(CV_GREEN, CV_WHITE, CV_RED), .mark = CV_MARK_CENTER, .mark_color = CV_RED},
    {.cc = "IS", .name = "Iceland", H(CV_BLUE), .over = CV_OVER_NORDIC, .over_color = CV_RED, .edge = CV_WHITE},
    {.cc = "IT", .name = "Italy", V(CV_GREEN, CV_WHITE, CV_RED)},
    {.cc = "JM", .name = "Jamaica", V(CV_BLACK, CV_GREEN, CV_BLACK), .over = CV_OVER_SALTIRE, .over_color = CV_YELLOW},
    {.cc = "JO", .name = "Jordan", H(CV_BLACK, CV_WHITE, CV_GREEN), .over = CV_OVER_TRIANGLE, .over_color = CV_RED, .mark = CV_MARK_HOIST, .mark_color = CV_WHITE},
    {.cc = "JP", .name = "Japan", H(CV_WHITE), .mark = CV_MARK_CENTER, .mark_color = CV_RED},
    {.cc = "KE", .name = "Kenya", H(CV_BLACK, CV_WHITE, CV_RED, CV_WHITE, CV_GREEN), .mark = CV_MARK_CENTER, .mark_color = CV_RED},
    {.cc = "KG", .name = "Kyrgyzstan", H(CV_RED), .mark = CV_MARK_CENTER, .mark_color = CV_YELLOW},
    {.cc = "KH", .name = "Cambodia", H(CV_BLUE, CV_RED, CV_RED, CV_BLUE), .mark = CV_MARK_CENTER, .mark_color = CV_WHITE},
    {.cc = "KI", .name = "Kiribati", H(CV_RED, CV_LTBLUE), .mark = CV_MARK_CENTER, .mark_color = CV_YELLOW},
    {.cc = "KM", .name = "Comoros", H(CV_YELLOW, CV_WHITE, CV_RED, CV_BLUE), .over = CV_OVER_TRIANGLE, .over_color = CV_GREEN, .mark = CV_MARK_HOIST, .mark_color = CV_WHITE},
    {.cc = "KN", .name = "Saint Kitts and Nevis", H(CV_GREEN, CV_RED), .over = CV_OVER_DIAGONAL, .over_color = CV_BLACK, .edge = CV_YELLOW},
    {.cc = "KP", .name = "North Korea", H(CV_BLUE, CV_RED, CV_RED, CV_BLUE), .mark = CV_MARK_HOIST, .mark_color = CV_WHITE},
    {.cc = "KR", .name = "South Korea", H(CV_WHITE), .over = CV_OVER_SALTIRE, .over_color = CV_BLACK, .mark = CV_MARK_CENTER, .mark_color = CV_RED},
    {.cc = "KW", .name = "Kuwait", H(CV_GREEN, CV_WHITE, CV_RED), .over = CV_OVER_HOIST, .over_color = CV_BLACK},
    {.cc = "KZ", .name = "Kazakhstan", H(CV_LTBLUE), .mark = CV_MARK_CENTER, .mark_color = CV_YELLOW},
    {.cc = "LA", .name = "Laos", H(CV_RED, CV_BLUE, CV_BLUE, CV_RED), .mark = CV_MARK_CENTER, .mark_color = CV_WHITE},
    {.cc = "LB", .name = "Lebanon", H(CV_RED, CV_WHITE, CV_WHITE, CV_RED), .mark = CV_MARK_CENTER, .mark_color = CV_GREEN},
    {.cc = "LC", .name = "Saint Lucia", H(CV_LTBLUE), .over = CV_OVER_DIAMOND, .over_color = CV_BLACK, .edge = CV_WHITE, .mark = CV_MARK_CENTER, .mark_color = CV_YELLOW},
    {.cc = "LI", .name = "Liechtenstein", H(CV_BLUE, CV_RED), .mark = CV_MARK_CANTON, .mark_color = CV_YELLOW},
    {.cc = "LK", .name = "Sri Lanka", V(CV_GREEN, CV_ORANGE, CV_MAROON, CV_MAROON, CV_MAROON), .over = CV_OVER_BORDER, .over_color = CV_YELLOW},
    {.cc = "LR", .name = "Liberia", H(CV_RED, CV_WHITE, CV_RED, CV_WHITE, CV_RED, CV_WHITE, CV_RED), .over = CV_OVER_CANTON, .over_color = CV_NAVY, .mark = CV_MARK_CANTON, .mark_color = CV_WHITE},
    {.cc = "LS", .name = "Lesotho", H(CV_BLUE, CV_WHITE, CV_GREEN), .mark = CV_MARK_CENTER, .mark_color = CV_BLACK},
    {.cc = "LT", .name = "Lithuania", H(CV_YELLOW, CV_GREEN, CV_RED)},
    {.cc = "LU", .name = "Luxembourg", H(CV_RED, CV_WHITE, CV_LTBLUE)},
    {.cc = "LV", .name = "Latvia", H(CV_MAROON, CV_MAROON, CV_WHITE, CV_MAROON, CV_MAROON)},
    {.cc = "LY", .name = "Libya", H(CV_RED, CV_BLACK, CV_BLACK, CV_GREEN), .mark = CV_MARK_CENTER, .mark_color = CV_WHITE},
    {.cc = "MA", .name = "Morocco", H(CV_RED), .mark = CV_MARK_CENTER, .mark_color = CV_GREEN},
    {.cc = "MC", .name = "Monaco", H(CV_RED, CV_WHITE)},
    {.cc = "MD", .name = "Moldova", V(CV_BLUE, CV_YELLOW, CV_RED), .mark = CV_MARK_CENTER, .mark_color = CV_BROWN},
    {.cc = "ME", .name = "Montenegro", H(CV_RED), .over = CV_OVER_BORDER, .over_color = CV_YELLOW, .mark = CV_MARK_CENTER, .mark_color = CV_YELLOW},
    {.cc = "MG", .name = "Madagascar", H(CV_RED, CV_GREEN), .over = CV_OVER_HOIST, .over_color = CV_WHITE},
    {.cc = "MH", .name = "Marshall Islands", H(CV_BLUE), .over = CV_OVER_DIAGONAL, .over_color = CV_ORANGE, .edge = CV_WHITE, .mark = CV_MARK_CANTON, .mark_color = CV_WHITE},
    {.cc = "MK", .name = "North Macedonia", H(CV_RED), .over = CV_OVER_SALTIRE, .over_color = CV_YELLOW, .mark = CV_MARK_CENTER, .mark_color = CV_YELLOW},
    {.cc = "ML", .name = "Mali", V(CV_GREEN, CV_YELLOW, CV_RED)},
    {.cc = "MM", .name = "Myanmar", H(CV_YELLOW, CV_GREEN, CV_RED), .mark = CV_MARK_CENTER, .mark_color = CV_WHITE},
    {.cc = "MN", .name = "Mongolia", V(CV_RED, CV_BLUE, CV_RED), .mark = CV_MARK_HOIST, .mark_color = CV_YELLOW},
    {.cc = "MR", .name = "Mauritania", H(CV_RED, CV_GREEN, CV_GREEN, CV_GREEN, CV_RED), .mark = CV_MARK_CENTER, .mark_color = CV_YELLOW},
    {.cc = "MT", .name = "Malta", V(CV_WHITE, CV_RED), .mark = CV_MARK_CANTON, .mark_color = CV_GREY},
    {.cc = "MU", .name = "Mauritius", H(CV_RED, CV_BLUE, CV_YELLOW, CV_GREEN)},
    {.cc = "MV", .name = "Maldives", H(CV_RED), .mark = CV_MARK_CENTER, .mark_color = CV_GREEN},
    {.cc = "MW", .name = "Malawi", H(CV_BLACK, CV_RED, CV_GREEN)},
    {.cc = "MX", .name = "Mexico", V(CV_GREEN, CV_WHITE, CV_RED), .mark = CV_MARK_CENTER, .mark_color = CV_BROWN},
    {.cc = "MY", .name = "Malaysia", H(CV_RED, CV_WHITE, CV_RED, CV_WHITE, CV_RED, CV_WHITE, CV_RED), .over = CV_OVER_CANTON, .over_color = CV_NAVY, .mark = CV_MARK_CANTON, .mark_color = CV_YELLOW},
    {.cc = "MZ", .name = "Mozambique", H(CV_GREEN, CV_WHITE, CV_BLACK, CV_WHITE, CV_YELLOW), .over = CV_OVER_TRIANGLE, .over_color = CV_RED, .mark = CV_MARK_HOIST, .mark_color = CV_YELLOW},
    {.cc = "NA", .name = "Namibia", H(CV_BLUE, CV_GREEN), .over = CV_OVER_DIAGONAL, .over_color = CV_RED, .edge = CV_WHITE, .mark = CV_MARK_CANTON, .mark_color = CV_YELLOW},
    {.cc = "NE", .name = "Niger", H(CV_ORANGE, CV_WHITE, CV_GREEN), .mark = CV_MARK_CENTER, .mark_color = CV_ORANGE},
    {.cc = "NG", .name = "Nigeria", V(CV_GREEN, CV_WHITE, CV_GREEN)},
    {.cc = "NI", .name = "Nicaragua", H(CV_LTBLUE, CV_WHITE, CV_LTBLUE), .mark = CV_MARK_CENTER, .mark_color = CV_YELLOW},
    {.cc = "NL", .name = "Netherlands", H(CV_RED, CV_WHITE, CV_BLUE)},
    {.cc = "NO", .name = "Norway", H(CV_RED), .over = CV_OVER_NORDIC, .over_color = CV_NAVY, .edge = CV_WHITE},
    {.cc = "NP", .name = "Nepal", H(CV_RED), .over = CV_OVER_BORDER, .over_color = CV_BLUE, .mark = CV_MARK_CENTER, .mark_color = CV_WHITE},
    {.cc = "NR", .name = "Nauru", H(CV_NAVY, CV_NAVY, CV_YELLOW, CV_NAVY, CV_NAVY), .mark = CV_MARK_HOIST, .mark_color = CV_WHITE},
    {.cc = "NZ", .name = "New Zealand", H(CV_NAVY), .over = CV_OVER_UNION_CANTON, .mark = CV_MARK_CENTER, .mark_color = CV_RED},
    {.cc = "OM", .name = "Oman", H(CV_WHITE, CV_RED, CV_GREEN), .over = CV_OVER_HOIST, .over_color = CV_RED},
    {.cc = "PA", .name = "Panama", V(CV_WHITE, CV_RED), .mark = CV_MARK_CANTON, .mark_color = CV_BLUE},
    {.cc = "PE", .name = "Peru", V(CV_RED, CV_WHITE, CV_RED)},
    {.cc = "PG", .name = "Papua New Guinea", H(CV_BLACK), .over = CV_OVER_HALF, .over_color = CV_RED, .mark = CV_MARK_CANTON, .mark_color = CV_YELLOW},
    {.cc = "PH", .name = "Philippines", H(CV_BLUE, CV_RED), .over = CV_OVER_TRIANGLE, .over_color = CV_WHITE, .mark = CV_MARK_HOIST, .mark_color = CV_YELLOW},
    {.cc = "PK", .name = "Pakistan", V(CV_WHITE, CV_DKGREEN, CV_DKGREEN, CV_DKGREEN), .mark = CV_MARK_CENTER, .mark_color = CV_WHITE},
    {.cc = "PL", .name = "Poland", H(CV_WHITE, CV_RED)},
    {.cc = "PT", .name = "Portugal", V(CV_GREEN, CV_GREEN, CV_RED, CV_RED, CV_RED), .mark = CV_MARK_HOIST, .mark_color = CV_YELLOW},
    {.cc = "PW", .name = "Palau", H(CV_LTBLUE), .mark = CV_MARK_HOIST, .mark_color = CV_YELLOW},
    {.cc = "PY", .name = "Paraguay", H(CV_RED, CV_WHITE, CV_BLUE), .mark = CV_MARK_CENTER, .mark_color = CV_YELLOW},
    {.cc = "QA", .name = "Qatar", H(CV_MAROON), .over = CV_OVER_HOIST, .over_color = CV_WHITE},
    {.cc = "RO", .name = "Romania", V(CV_BLUE, CV_YELLOW, CV_RED)},
    {.cc = "RS", .name = "Serbia", H(CV_RED, CV_BLUE, CV_WHITE), .mark = CV_MARK_HOIST, .mark_color = CV_MAROON},
    {.cc = "RU", .name = "Russia", H(CV_WHITE, CV_BLUE, CV_RED)},
    {.cc = "RW", .name = "Rwanda", H(CV_LTBLUE, CV_LTBLUE, CV_YELLOW, CV_GREEN), .mark = CV_MARK_CANTON, .mark_color = CV_YELLOW},
    {.cc = "SA", .name = "Saudi Arabia", H(CV_DKGREEN), .mark = CV_MARK_CENTER, .mark_color = CV_WHITE},
    {.cc = "SB", .name = "Solomon Islands", H(CV_BLUE, CV_GREEN), .over = CV_OVER_DIAGONAL, .over_color = CV_YELLOW},
    {.cc = "SC", .name = "Seychelles", H(CV_BLUE, CV_YELLOW, CV_RED, CV_WHITE, CV_GREEN)},
    {.cc = "SD", .name = "Sudan", H(CV_RED, CV_WHITE, CV_BLACK), .over = CV_OVER_TRIANGLE, .over_color = CV_GREEN},
    {.cc = "SE", .name = "Sweden", H(CV_BLUE), .over = CV_OVER_NORDIC, .over_color = CV_YELLOW},
    {.cc = "SG", .name = "Singapore", H(CV_RED, CV_WHITE), .mark = CV_MARK_CANTON, .mark_color = CV_WHITE},
    {.cc = "SI", .name = "Slovenia", H(CV_WHITE, CV_BLUE, CV_RED), .mark = CV_MARK_CANTON, .mark_color = CV_BLUE},
    {.cc = "SK", .name = "Slovakia", H(CV_WHITE, CV_BLUE, CV_RED), .mark = CV_MARK_HOIST, .mark_color = CV_RED},
    {.cc = "SL", .name = "Sierra Leone", H(CV_GREEN, CV_WHITE, CV_BLUE)},
    {.cc = "SM", .name = "San Marino", H(CV_WHITE, CV_LTBLUE), .mark = CV_MARK_CENTER, .mark_color = CV_YELLOW},
    {.cc = "SN", .name = "Senegal", V(CV_GREEN, CV_YELLOW, CV_RED), .mark = CV_MARK_CENTER, .mark_color = CV_GREEN},
    {.cc = "SO", .name = "Somalia", H(CV_LTBLUE), .mark = CV_MARK_CENTER, .mark_color = CV_WHITE},
    {.cc = "SR", .name = "Suriname", H(CV_GREEN, CV_WHITE, CV_RED, CV_RED, CV_WHITE, CV_GREEN), .mark = CV_MARK_CENTER, .mark_color = CV_YELLOW},
    {.cc = "SS", .name = "South Sudan", H(CV_BLACK, CV_WHITE, CV_RED, CV_WHITE, CV_GREEN), .over = CV_OVER_TRIANGLE, .over_color = CV_BLUE, .mark = CV_MARK_HOIST, .mark_color = CV_YELLOW},
    {.cc = "ST", .name = "Sao Tome and Principe", H(CV_GREEN, CV_YELLOW, CV_GREEN), .over = CV_OVER_TRIANGLE, .over_color = CV_RED},
    {.cc = "SV", .name = "El Salvador", H(CV_BLUE, CV_WHITE, CV_BLUE), .mark = CV_MARK_CENTER, .mark_color = CV_GREEN},
    {.cc = "SY", .name = "Syria", H(CV_RED, CV_WHITE, CV_BLACK), .mark = CV_MARK_CENTER, .mark_color = CV_GREEN},
    {.cc = "SZ", .name = "Eswatini", H(CV_BLUE, CV_YELLOW, CV_RED, CV_RED, CV_YELLOW, CV_BLUE), .mark = CV_MARK_CENTER, .mark_color = CV_BLACK},
    {.cc = "TD", .name = "Chad", V(CV_BLUE, CV_YELLOW, CV_RED)},
    {.cc = "TG", .name = "Togo", H(CV_GREEN, CV_YELLOW, CV_GREEN, CV_YELLOW, CV_GREEN), .over = CV_OVER_CANTON, .over_color = CV_RED, .mark = CV_MARK_CANTON, .mark_color = CV_WHITE},
    {.cc = "TH", .name = "Thailand", H(CV_RED, CV_WHITE, CV_NAVY, CV_NAVY, CV_WHITE, CV_RED)},
    {.cc = "TJ", .name = "Tajikistan", H(CV_RED, CV_WHITE, CV_GREEN), .mark = CV_MARK_CENTER, .mark_color = CV_YELLOW},
    {.cc = "TL", .name = "Timor-Leste", H(CV_RED), .over = CV_OVER_TRIANGLE, .over_color = CV_BLACK, .edge = CV_YELLOW, .mark = CV_MARK_HOIST, .mark_color = CV_WHITE},
    {.cc = "TM", .name = "Turkmenistan", H(CV_GREEN), .over = CV_OVER_HOIST, .over_color = CV_MAROON, .mark = CV_MARK_CANTON, .mark_color = CV_WHITE},
    {.cc = "TN", .name = "Tunisia", H(CV_RED), .mark = CV_MARK_CENTER, .mark_color = CV_WHITE},
    {.cc = "TO", .name = "Tonga", H(CV_RED), .over = CV_OVER_CANTON, .over_color = CV_WHITE, .mark = CV_MARK_CANTON, .mark_color = CV_RED},
    {.cc = "TR", .name = "Turkey", H(CV_RED), .mark = CV_MARK_HOIST, .mark_color = CV_WHITE},
    {.cc = "TT", .name = "Trinidad and Tobago", H(CV_RED), .over = CV_OVER_DIAGONAL, .over_color = CV_BLACK, .edge = CV_WHITE},
    {.cc = "TV", .name = "Tuvalu", H(CV_LTBLUE), .over = CV_OVER_UNION_CANTON, .mark = CV_MARK_CENTER, .mark_color = CV_YELLOW},
    {.cc = "TW", .name = "Taiwan", H(CV_RED), .over = CV_OVER_CANTON, .over_color = CV_NAVY, .mark = CV_MARK_CANTON, .mark_color = CV_WHITE},
    {.cc = "TZ", .name = "Tanzania", H(CV_GREEN, CV_LTBLUE), .over = CV_OVER_DIAGONAL, .over_color = CV_BLACK, .edge = CV_YELLOW},
    {.cc = "UA", .name = "Ukraine", H(CV_BLUE, CV_YELLOW)},
    {.cc = "UG", .name = "Uganda", H(CV_BLACK, CV_YELLOW, CV_RED, CV_BLACK, CV_YELLOW, CV_RED), .mark = CV_MARK_CENTER, .mark_color = CV_WHITE},
    {.cc = "US", .name = "United States", H(CV_RED, CV_WHITE, CV_RED, CV_WHITE, CV_RED, CV_WHITE, CV_RED), .over = CV_OVER_CANTON, .over_color = CV_NAVY},
    {.cc = "UY", .name = "Uruguay", H(CV_WHITE, CV_BLUE, CV_WHITE, CV_BLUE, CV_WHITE, CV_BLUE, CV_WHITE), .over = CV_OVER_CANTON, .over_color = CV_WHITE, .mark = CV_MARK_CANTON, .mark_color = CV_YELLOW},
    {.cc = "UZ", .name = "Uzbekistan", H(CV_LTBLUE, CV_LTBLUE, CV_RED, CV_WHITE, CV_RED, CV_GREEN, CV_GREEN), .mark = CV_MARK_CANTON, .mark_color = CV_WHITE},
    {.cc = "VA", .name = "Vatican City", V(CV_YELLOW, CV_WHITE), .mark = CV_MARK_CENTER, .mark_color = CV_GREY},
    {.cc = "VC", .name = "Saint Vincent and the Grenadines", V(CV_BLUE, CV_YELLOW, CV_YELLOW, CV_GREEN), .mark = CV_MARK_CENTER, .mark_color = CV_GREEN},
    {.cc = "VE", .name = "Venezuela", H(CV_YELLOW, CV_BLUE, CV_RED), .mark = CV_MARK_CENTER, .mark_color = CV_WHITE},
    {.cc = "VN", .name = "Vietnam", H(CV_RED), .mark = CV_MARK_CENTER, .mark_color = CV_YELLOW},
    {.cc = "VU", .name = "Vanuatu", H(CV_RED, CV_GREEN), .over = CV_OVER_TRIANGLE, .over_color = CV_BLACK, .edge = CV_YELLOW},
    {.cc = "WS", .name = "Samoa", H(CV_RED), .over = CV_OVER_CANTON, .over_color = CV_NAVY, .mark = CV_MARK_CANTON, .mark_color = CV_WHITE},
    {.cc = "YE", .name = "Yemen", H(CV_RED, CV_WHITE, CV_BLACK)},
    {.cc = "ZA", .name = "South Africa", H(CV_RED, CV_BLUE), .over = CV_OVER_TRIANGLE, .over_color = CV_GREEN, .edge = CV_WHITE},
    {.cc = "ZM", .name = "Zambia", H(CV_GREEN), .mark = CV_MARK_CANTON, .mark_color = CV_ORANGE},
    {.cc = "ZW", .name = "Zimbabwe", H(CV_GREEN, CV_YELLOW, CV_RED, CV_BLACK, CV_RED, CV_YELLOW, CV_GREEN), .over = CV_OVER_TRIANGLE, .over_color = CV_WHITE, .edge = CV_BLACK, .mark = CV_MARK_HOIST, .mark_color = CV_RED},
};

#undef H
#undef V

#define FLAG_COUNT (sizeof flags / sizeof flags[0])

const char *const cv_pop20[20] = {
    "CN", "IN", "US", "ID", "BR", "PK", "NG", "BD", "RU", "JP",
    "MX", "PH", "VN", "ET", "EG", "DE", "IR", "TR", "CD", "FR",
};

size_t cv_flag_count(void)
{
    return FLAG_COUNT;
}

const cv_flag_info *cv_flag_at(size_t i)
{
    return i < FLAG_COUNT ? &flags[i] : NULL;
}

static int compare_cc(const void *key, const void *elem)
{
    const cv_flag_info *f = elem;
    return strcmp(key, f->cc);
}

const cv_flag_info *cv_flag_find(const char *cc)
{
    if (cc == NULL)
        return NULL;
    char key[3];
    for (int i = 0; i < 2; i++) {
        char c = cc[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c < 'A' || c > 'Z')
            return NULL;
        key[i] = c;
    }
    if (cc[2] != '\0')
        return NULL;
    key[2] = '\0';
    return bsearch(key, flags, FLAG_COUNT, sizeof flags[0], compare_cc);
}

size_t cv_flag_index(const cv_flag_info *f)
{
    return (size_t)(f - flags);
}

int cv_flag_stripe_count(const cv_flag_info *f)
{
    int n = 0;
    while (n < CV_FLAG_MAX_STRIPES && f->stripes[n] != CV_NONE)
        n++;
    return n > 0 ? n : 1;
}

void cv_flag_tld(const cv_flag_info *f, char buf[4])
{
    if (f->tld != NULL) {
        snprintf(buf, 4, "%s", f->tld);
        return;
    }
    buf[0] = '.';
    buf[1] = (char)(f->cc[0] - 'A' + 'a');
    buf[2] = (char)(f->cc[1] - 'A' + 'a');
    buf[3] = '\0';
}
