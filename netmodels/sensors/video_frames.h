// HD video as a message source: per-frame sizes of a real video encoded with OpenCV (each frame
// resized and JPEG-encoded, as a robot's image_transport/compressed publisher does), looping; or a
// parametric model (bitrate, fps, a group of pictures of one large I frame and smaller P frames)
// when no file is given.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace offloadsim::netmodels {

struct EncodedVideo {
  std::vector<std::uint32_t> frame_bytes;
  double fps = 0;  // the file's own frame rate
  int width = 0, height = 0;
};

// Encodes up to `max_frames` frames (0: all) of `path` at `width`×`height` (0×0: as recorded)
// with JPEG quality `jpeg_quality`. Throws base::InputError naming the file when it cannot be read.
// `after_frame(done, total)`, if given, is called after each frame (total: the frames that will be
// encoded, as far as the file says): for progress, and to stop a long encoding by throwing.
EncodedVideo encode_video_frames(const std::string& path, int width, int height, int jpeg_quality, int max_frames,
                                 const std::function<void(std::size_t, std::size_t)>& after_frame = {});

struct ParametricVideo {
  double bitrate_mbps = 8.0;
  double fps = 30.0;
  int gop = 30;               // frames per group of pictures (one I frame, then P frames)
  double i_to_p_ratio = 5.0;  // I-frame size ÷ P-frame size

  // Size of frame `seq`; over a GOP the sizes average to bitrate ÷ fps.
  std::uint32_t frame_bytes(std::uint64_t seq) const;
};

}  // namespace offloadsim::netmodels
