// Stand-in declarations of hls::stream_of_blocks and its locks (see ap_int.h): parsing only. A
// lock stands for the block it holds, an array indexed in place.
#ifndef CNNACC_STANDIN_HLS_STREAMOFBLOCKS_H
#define CNNACC_STANDIN_HLS_STREAMOFBLOCKS_H

namespace hls {
template <typename B>
struct cnnacc_block_element {
    typedef B type;
};
template <typename T, unsigned long N>
struct cnnacc_block_element<T[N]> {
    typedef T type;
};

template <typename B, int DEPTH = 2>
class stream_of_blocks {
   public:
    stream_of_blocks();
    bool empty() const;
    bool full() const;
};

template <typename B>
class read_lock {
   public:
    template <int DEPTH>
    read_lock(stream_of_blocks<B, DEPTH>& channel);
    operator B&();
    typename cnnacc_block_element<B>::type& operator[](long index);
    void release();
};

template <typename B>
class write_lock {
   public:
    template <int DEPTH>
    write_lock(stream_of_blocks<B, DEPTH>& channel);
    operator B&();
    typename cnnacc_block_element<B>::type& operator[](long index);
    void release();
};
}  // namespace hls

#endif
