/* confdefs.h */
#define PACKAGE_NAME "slotscope"
#define PACKAGE_TARNAME "slotscope"
#define PACKAGE_VERSION "0.1.0"
#define PACKAGE_STRING "slotscope 0.1.0"
#define PACKAGE_BUGREPORT ""
#define PACKAGE_URL ""
