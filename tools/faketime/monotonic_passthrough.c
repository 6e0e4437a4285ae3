/* Loaded before libfaketime: waits on CLOCK_MONOTONIC go straight to glibc (libfaketime leaves the
   monotonic clock real with FAKETIME_DONT_FAKE_MONOTONIC=1, but still rewrites these waits' deadlines). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <semaphore.h>
#include <time.h>

static void *libc(void) {
    static void *handle;
    if (!handle) handle = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
    return handle;
}

int clock_nanosleep(clockid_t clock, int flags, const struct timespec *req, struct timespec *rem) {
    static int (*real)(clockid_t, int, const struct timespec *, struct timespec *);
    static int (*next)(clockid_t, int, const struct timespec *, struct timespec *);
    if (!real) real = dlsym(libc(), "clock_nanosleep");
    if (!next) next = dlsym(RTLD_NEXT, "clock_nanosleep");
    return (clock == CLOCK_MONOTONIC ? real : next)(clock, flags, req, rem);
}

int pthread_cond_clockwait(pthread_cond_t *cond, pthread_mutex_t *mutex, clockid_t clock,
                           const struct timespec *abstime) {
    static int (*real)(pthread_cond_t *, pthread_mutex_t *, clockid_t, const struct timespec *);
    static int (*next)(pthread_cond_t *, pthread_mutex_t *, clockid_t, const struct timespec *);
    if (!real) real = dlsym(libc(), "pthread_cond_clockwait");
    if (!next) next = dlsym(RTLD_NEXT, "pthread_cond_clockwait");
    return (clock == CLOCK_MONOTONIC ? real : next)(cond, mutex, clock, abstime);
}

int sem_clockwait(sem_t *sem, clockid_t clock, const struct timespec *abstime) {
    static int (*real)(sem_t *, clockid_t, const struct timespec *);
    static int (*next)(sem_t *, clockid_t, const struct timespec *);
    if (!real) real = dlsym(libc(), "sem_clockwait");
    if (!next) next = dlsym(RTLD_NEXT, "sem_clockwait");
    return (clock == CLOCK_MONOTONIC ? real : next)(sem, clock, abstime);
}
