/**
 * The repository wharf ships (`wharf`): well-known datasets with their real URLs, mirrors and
 * checksums (the md5 values torchvision checks, so a changed file is caught).
 */
import { data } from "../data/data.js";
import { defineDataset } from "../definition.js";
import { defineRepository } from "../repository.js";
import { fileDownloader, tarDownloader } from "../resources/downloaders.js";

/** The four IDX files of an MNIST-shaped dataset, each gunzipped, from mirrors tried in turn. */
function idxSet(mirrors: readonly string[], md5: Record<string, string>) {
  const file = (name: string, fileName: string) =>
    fileDownloader({
      url: mirrors.map((mirror) => `${mirror}${name}`),
      checksum: { md5: md5[name] },
      fileName,
    });
  return {
    train_images: file("train-images-idx3-ubyte.gz", "train_images.idx"),
    train_labels: file("train-labels-idx1-ubyte.gz", "train_labels.idx"),
    test_images: file("t10k-images-idx3-ubyte.gz", "test_images.idx"),
    test_labels: file("t10k-labels-idx1-ubyte.gz", "test_labels.idx"),
  };
}

function idxSplits(paths: Record<"train_images" | "train_labels" | "test_images" | "test_labels", string>) {
  return {
    train: { images: data.idx(paths.train_images), labels: data.idx(paths.train_labels) },
    test: { images: data.idx(paths.test_images), labels: data.idx(paths.test_labels) },
  };
}

export const mnist = defineDataset({
  url: "http://yann.lecun.com/exdb/mnist/",
  name: "mnist",
  description:
    "The MNIST database of handwritten digits: 60,000 training and 10,000 test images of 28x28 pixels.",
  tags: ["image", "digits"],
  tasks: ["image classification"],
  type: "ImageClassification",
  citation: "LeCun, Cortes and Burges, The MNIST database of handwritten digits (1998).",
  resources: idxSet(["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"], {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
  }),
  prepare: idxSplits,
});

export const fashionMnist = defineDataset({
  url: "https://github.com/zalandoresearch/fashion-mnist",
  id: "com.zalando.fashion-mnist",
  name: "fashion-mnist",
  description:
    "Zalando's article images: 60,000 training and 10,000 test grayscale images of 28x28 pixels, 10 classes.",
  tags: ["image", "fashion"],
  tasks: ["image classification"],
  type: "ImageClassification",
  license: "MIT",
  resources: idxSet(["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"], {
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
  }),
  prepare: idxSplits,
});

export const cifar10 = defineDataset({
  url: "https://www.cs.toronto.edu/~kriz/cifar.html",
  id: "edu.toronto.cs.cifar10",
  name: "cifar10",
  description: "60,000 32x32 colour images in 10 classes (the python version: pickled batches).",
  tags: ["image"],
  tasks: ["image classification"],
  type: "Folder",
  resources: {
    batches: tarDownloader({
      url: "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
      checksum: { md5: "c58f30108f718f92721af3b95e74349a" },
      fileName: "cifar-10-batches-py",
    }),
  },
  prepare: (paths) => ({ batches: data.folder(paths.batches) }),
});

export default defineRepository({
  id: "wharf",
  description: "The datasets wharf ships definitions for.",
  definitions: [mnist, fashionMnist, cifar10],
});
